"""`bootstrap aws ...`: who am I in each profile, how did I get there, and why was I denied."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from bootstrap.cli.options import context
from bootstrap.system.errors import UserError, did_you_mean

app = typer.Typer(
    help="Your AWS profiles: who you are in each, the role chains, and access denials explained.",
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
    if profile is not None and profile not in names:
        raise UserError(
            f"--profile: there is no AWS profile '{profile}' in {ctx.tilde(local.config_path)} or "
            f"{ctx.tilde(local.credentials_path)} ({did_you_mean(profile, names)}see `aws configure list-profiles`)"
        )
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
