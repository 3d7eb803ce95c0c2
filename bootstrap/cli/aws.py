"""`bootstrap aws ...`: who am I in each profile, how did I get there, why was I denied, and
short-lived keys for the tools that cannot sign in themselves."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Optional

import typer

from bootstrap.cli.options import context
from bootstrap.system.errors import Failure, UserError, did_you_mean

if TYPE_CHECKING:
    from bootstrap.components.aws.component import Local
    from bootstrap.components.aws.keys import Keys
    from bootstrap.system.context import Context

app = typer.Typer(
    help="Your AWS profiles: who you are in each, the role chains, access denials explained, and short-lived "
    "keys for tools that cannot sign in.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

AwsProfileOpt = typer.Option(
    None, "--profile", "-p", metavar="AWS_PROFILE", help="An AWS profile name, as in the AWS CLI (default: all)."
)


@app.command("whoami")
def whoami(profile: Optional[str] = AwsProfileOpt) -> None:
    """Account, principal and role of one or every AWS profile, and the chain that leads there."""
    from bootstrap.components.aws import component as aws
    from bootstrap.components.aws import identity as awsidentity
    from bootstrap.components.aws import render as awsrender

    ctx = context()
    local = aws.read_local(ctx)
    names = local.all_profiles()
    if profile is not None:
        _known(ctx, local, profile)
    chosen = [profile] if profile else names
    if not chosen:
        ctx.console.print(
            f"You have no AWS profiles yet ({ctx.tilde(local.config_path)}). `bootstrap run` writes your team's.",
            markup=False,
        )
        raise typer.Exit(1)
    early = {name: aws.precheck(ctx, local, name) for name in chosen if name in local.profiles}
    asked = [name for name in chosen if early.get(name) is None]
    answers = awsidentity.lookup(asked, local.config_path, local.credentials_path)
    failed = 0
    for name in chosen:
        answer = answers.get(name) or awsidentity.Problem(name, "other", "not checked")
        known = early.get(name)
        if known is not None:
            failed += known.status == "error"
            ctx.console.print(f"{'✗' if known.status == 'error' else '-'} {name}: {known.summary}", markup=False)
            ctx.console.print(f"    fix: {known.fix}", markup=False)
        elif isinstance(answer, awsidentity.Identity):
            ctx.console.print(f"✓ {name}: {answer.principal}, account {answer.account}", markup=False)
            ctx.console.print(f"    {answer.arn}", markup=False)
        else:
            failed += 1
            outcome = aws.identity_outcome(ctx, local, answer)
            ctx.console.print(f"✗ {name}: {outcome.summary}", markup=False)
            ctx.console.print(f"    fix: {outcome.fix}", markup=False)
        hops = local.chain(name)
        if hops:
            ctx.console.print(f"    how: {awsrender.chain_words(hops)}", markup=False)
    if failed:
        raise typer.Exit(1)


@app.command("graph")
def graph() -> None:
    """The role-assumption graph: which profile assumes which role through which hop, and where MFA is needed."""
    from bootstrap.components.aws import component as aws
    from bootstrap.components.aws import render as awsrender

    ctx = context()
    local = aws.read_local(ctx)
    if not local.all_profiles():
        ctx.console.print(f"You have no AWS profiles yet ({ctx.tilde(local.config_path)}).", markup=False)
        return
    for line in awsrender.graph(local):
        ctx.console.print(line, markup=False)
    problems = local.problems(ctx.tilde)
    if problems:
        ctx.console.print("", markup=False)
        for problem in problems:
            ctx.console.print(f"✗ {problem}", markup=False)
        raise typer.Exit(1)


@app.command("explain")
def explain(
    text: Optional[str] = typer.Argument(
        None, metavar="ERROR_TEXT", help="The AccessDenied message (default: read it from standard input)."
    ),
    profile: Optional[str] = typer.Option(
        None,
        "--profile",
        "-p",
        metavar="AWS_PROFILE",
        help="The AWS profile you used when you were denied (default: worked out from the message).",
    ),
) -> None:
    """Explain an AccessDenied error in plain words, and write the access request for your platform team."""
    from bootstrap.components.aws import component as aws
    from bootstrap.components.aws import explain as awsexplain
    from bootstrap.components.aws import render as awsrender

    ctx = context()
    if text is None:
        if sys.stdin.isatty():
            ctx.err_console.print("Paste the error message, then press Ctrl-D:", markup=False)
        text = sys.stdin.read()
    if not text.strip():
        raise UserError("no error message given: paste it as an argument in quotes, or pipe it in")
    if not awsexplain.looks_denied(text):
        raise UserError(
            "this does not look like an AWS access-denied message (it should say AccessDenied or 'not authorized to perform')"
        )
    local = aws.read_local(ctx)
    found = awsexplain.explain(text, local.profiles, local.credential_values, profile)
    for line in awsrender.explanation(found, awsexplain.access_request(found)):
        ctx.console.print(line, markup=False)


def _known(ctx: Context, local: Local, profile: str) -> None:
    names = local.all_profiles()
    if profile not in names:
        raise UserError(
            f"--profile: there is no AWS profile '{profile}' in {ctx.tilde(local.config_path)} or "
            f"{ctx.tilde(local.credentials_path)} ({did_you_mean(profile, names)}see `aws configure list-profiles`)"
        )


def _keys(ctx: Context, profile: str) -> Keys:
    """The profile's short-lived keys; bad input (2) for an unknown profile, a failure (1) with
    the reason and its fix when no keys can be had."""
    from bootstrap.components.aws import component as aws
    from bootstrap.components.aws import config as awsconfig
    from bootstrap.components.aws import identity as awsidentity
    from bootstrap.components.aws import keys as awskeys
    from bootstrap.components.aws import sso as awssso

    local = aws.read_local(ctx)
    _known(ctx, local, profile)
    early = aws.precheck(ctx, local, profile) if profile in local.profiles else None
    if early is not None and early.status == "error":
        raise Failure(f"{early.summary}; fix: {early.fix}")
    if early is not None:
        mfa = next((hop.mfa for hop in local.chain(profile) if hop.mfa), None)
        if mfa:
            raise Failure(
                f"profile {profile} asks for an MFA code ({mfa}), which nobody can type when a tool asks for keys; "
                "use a profile that signs in with SSO"
            )
        session = str(aws.sso_root(local, profile))
        raise Failure(
            f"profile {profile} has no credentials yet: you have not signed in to AWS SSO session {session} "
            f"on this computer; fix: {awssso.login_command(session)}"
        )
    region = awsconfig.chain_region(local.profiles, profile)
    found = awskeys.resolve(profile, local.config_path, local.credentials_path, region)
    if isinstance(found, awsidentity.Problem):
        outcome = aws.identity_outcome(ctx, local, found)
        raise Failure(f"{outcome.summary}; fix: {outcome.fix}")
    return found


@app.command("credentials")
def credentials(
    profile: str = typer.Option(
        ..., "--profile", "-p", metavar="AWS_PROFILE", help="The AWS profile whose keys to print."
    ),
) -> None:
    """Print a profile's short-lived keys as credential_process JSON (what each [profile NAME-process] runs).

    Exit 1 when the profile has no credentials now (signed out, denied), 2 when there is no such profile.
    """
    ctx = context()
    print(_keys(ctx, profile).process_json())


@app.command("exec", context_settings={"allow_interspersed_args": False})
def exec_(
    command: list[str] = typer.Argument(..., metavar="-- CMD..", help="The command to run, after --."),
    profile: Optional[str] = typer.Option(
        None,
        "--profile",
        "-p",
        metavar="AWS_PROFILE",
        help="The AWS profile whose keys to use (default: $AWS_PROFILE, else default).",
    ),
) -> None:
    """Run a command with a profile's short-lived keys in its environment only; exits with the command's exit code.

    Exit 1 when the profile has no credentials now, 2 for an unknown profile or command.
    """
    ctx = context()
    name = profile or ctx.env.get("AWS_PROFILE") or ctx.env.get("AWS_DEFAULT_PROFILE") or "default"
    keys = _keys(ctx, name)
    # without AWS_PROFILE the child's SDK takes the keys from the environment, before any profile
    env = {k: v for k, v in ctx.env.items() if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")}
    ctx.runner.replace_with(command, {**env, **keys.environment()})
