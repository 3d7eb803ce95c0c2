"""AWS: the CLI, the team's SSO sessions and role-chain profiles in ~/.aws/config, who you are.

The config file is edited by awsconfig (only the sections we wrote are ours; every other byte
of the user's file stays), checked as a graph by awsgraph, and the identities come from
awsidentity, all profiles at once. Long-lived keys are never written: SSO is the way in.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from bootstrap.components.aws import config as awsconfig
from bootstrap.components.aws import graph as awsgraph
from bootstrap.components.aws import identity as awsidentity
from bootstrap.components.aws import sso as awssso
from bootstrap.profiles import conditions
from bootstrap.profiles.schema import Aws, Profile
from bootstrap.system import files, paths, syspkg
from bootstrap.system.context import Context
from bootstrap.system.errors import Deferred, Failure
from bootstrap.system.findings import Check, Outcome, ok, once
from bootstrap.system.managed import Owned, Released
from bootstrap.system.steps import Applier, FileChange, Step

if TYPE_CHECKING:
    from bootstrap.profiles.load import Loaded

NAME = "aws"
REQUIRES: tuple[str, ...] = ()
DEFAULT_MIN_VERSION = "2.9"  # the first with [sso-session] sections
DOCS = "https://docs.aws.amazon.com/cli/latest/userguide/sso-configure-profile-token.html"
DOCS_INSTALL = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
DOCS_CONFIG = "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html"
DOCS_PROCESS = "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html"
FIX_RUN = "bootstrap run --only aws"
# What the distribution's own package installs, where it is version 2 (older ones ship v1).
APT_VERSIONS = {("debian", "12"): (2, 9, 19), ("debian", "13"): (2, 23, 6), ("ubuntu", "24.04"): (2, 14, 6)}


# --- the AWS CLI ----------------------------------------------------------------------------


def parse_version(text: str) -> Optional[tuple[int, ...]]:
    match = re.search(r"aws-cli/(\d+(?:\.\d+)+)", text) or re.search(r"(\d+(?:\.\d+)+)", text)
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


@dataclass(frozen=True)
class Cli:
    """What `aws --version` tells about the AWS CLI on this computer."""

    version: Optional[tuple[int, ...]]  # None: not installed, or installed but it cannot start
    broken: Optional[str] = None  # installed, but it cannot read a config file: which line, and why


# Every aws command, --version included, stops with this when a config file is unreadable.
_UNPARSABLE = re.compile(r"Unable to parse config file: (?P<path>[^\r\n]+)")


def detect(ctx: Context) -> Cli:
    result = ctx.runner.run(["aws", "--version"], timeout=20)
    said = result.stdout + result.stderr
    if result.ok:
        return Cli(parse_version(said))
    unparsable = _UNPARSABLE.search(said)
    if unparsable:
        return Cli(None, config_problem(ctx, Path(unparsable.group("path").strip())))
    return Cli(None)


def shadowed(ctx: Context, need: tuple[int, ...]) -> Optional[tuple[str, str]]:
    """When the first `aws` on PATH is too old but a new enough one comes later on PATH (pip's
    AWS CLI v1 in a virtual environment before the system's v2, say): (what is wrong, the fix).
    Installing another would change nothing, since the old one still comes first."""
    first = ctx.runner.which("aws")
    if first is None:
        return None
    seen = {os.path.realpath(first)}
    for folder in ctx.env.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(folder, "aws") if folder else ""
        if not candidate or not os.access(candidate, os.X_OK) or os.path.realpath(candidate) in seen:
            continue
        seen.add(os.path.realpath(candidate))
        result = ctx.runner.run([candidate, "--version"], timeout=20)
        version = parse_version(result.stdout + result.stderr) if result.ok else None
        if version is not None and version >= need:
            return (
                f"the aws that runs first is {ctx.tilde(first)}, while the AWS CLI {_dotted(version)} at "
                f"{ctx.tilde(candidate)} comes later on PATH",
                f"remove the old one (for pip's awscli: `pip uninstall awscli` in that environment) or put "
                f"{ctx.tilde(folder)} before {ctx.tilde(os.path.dirname(first))} on PATH",
            )
    return None


def config_problem(ctx: Context, path: Path) -> str:
    """`~/.aws/config:3: [default] sets region twice; keep one`, for the file the CLI cannot read."""
    data = files.read(path)
    found = awsconfig.unreadable(data) if data is not None else None
    if found is None:
        return f"{ctx.tilde(path)}: the AWS CLI cannot read it (`aws --version` says so)"
    line, what = found
    return f"{ctx.tilde(path)}:{line}: {what}" if line else f"{ctx.tilde(path)}: {what}"


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in version)


def install_commands(ctx: Context, need: tuple[int, ...]) -> list[tuple[str, ...]]:
    """brew on macOS, the distribution's package where it is new enough, else AWS's installer."""
    platform = ctx.platform
    if platform.family == "macos":
        return syspkg.install_commands(platform, "awscli")
    packaged = APT_VERSIONS.get((platform.distro, platform.version))
    if platform.family == "debian" and packaged is not None and packaged >= need:
        return syspkg.install_commands(platform, "awscli")
    if platform.os != "linux":
        return []
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.arch)
    if arch is None:
        return []
    sudo = "" if os.geteuid() == 0 else "sudo "
    script = (
        f'tmp="$(mktemp -d)" && curl -fsSL "https://awscli.amazonaws.com/awscli-exe-linux-{arch}.zip" -o "$tmp/awscliv2.zip" '
        f'&& unzip -q "$tmp/awscliv2.zip" -d "$tmp" && {sudo}"$tmp/aws/install" --update && rm -rf "$tmp"'
    )
    return [("sh", "-c", script)]


def install_hint(ctx: Context, need: tuple[int, ...]) -> str:
    commands = install_commands(ctx, need)
    if not commands:
        return f"install the AWS CLI version 2: {DOCS_INSTALL}"
    return " && ".join(c[2] if c[:2] == ("sh", "-c") else " ".join(c) for c in commands)


# --- what is on this machine ----------------------------------------------------------------


@dataclass(frozen=True)
class Local:
    """~/.aws/config and ~/.aws/credentials as the AWS CLI sees them."""

    config_path: Path
    credentials_path: Path
    config: awsconfig.ConfigFile
    credentials: dict[str, awsconfig.Section]

    @property
    def profiles(self) -> dict[str, dict[str, str]]:
        return {name: dict(s.values) for name, s in self.config.profiles.items()}

    @property
    def sessions(self) -> dict[str, dict[str, str]]:
        return {name: dict(s.values) for name, s in self.config.sessions.items()}

    @property
    def credential_values(self) -> dict[str, dict[str, str]]:
        return {name: dict(s.values) for name, s in self.credentials.items()}

    def all_profiles(self) -> list[str]:
        return list(dict.fromkeys([*self.config.profiles, *self.credentials]))

    def problems(self, tilde: Callable[[object], str]) -> list[awsgraph.Problem]:
        where = {
            s.name if s.kind == "profile" else f"{s.kind} {s.name}": f"{tilde(self.config_path)}:{s.line}"
            for s in self.config.sections
        }
        counts: dict[str, int] = {}
        for s in self.config.sections:
            counts[s.exact] = counts.get(s.exact, 0) + 1
        twice = [s for s in self.config.sections if counts[s.exact] > 1 and s.kind == "profile"]
        problems = awsgraph.lint(
            self.profiles,
            self.sessions,
            credentials=self.credentials,
            duplicates=list(dict.fromkeys(s.name for s in twice)),
            where=where,
        )
        for s in self.config.sections:
            for key in dict.fromkeys(s.repeated):
                problems.append(
                    awsgraph.Problem(
                        s.name,
                        f"sets {key} twice, so the AWS CLI cannot read the file at all; keep one",
                        f"{tilde(self.config_path)}:{s.line}",
                    )
                )
        return problems

    def chain(self, profile: str) -> list[awsgraph.Hop]:
        return awsgraph.chain(self.profiles, profile, self.credential_values)


def read_local(ctx: Context) -> Local:
    config_path = paths.aws_config_file(ctx.home, ctx.env)
    credentials_path = paths.aws_credentials_file(ctx.home, ctx.env)
    config = awsconfig.parse(files.decode(files.read(config_path) or b""))
    credentials = awsconfig.credentials_profiles(files.decode(files.read(credentials_path) or b""))
    return Local(config_path, credentials_path, config, credentials)


def sso_root(local: Local, profile: str) -> Optional[str]:
    """The sso-session a profile's chain starts from, if any."""
    hops = local.chain(profile)
    if hops and hops[0].kind == "sso":
        settings = local.profiles.get(hops[0].profile, {})
        return settings.get("sso_session") or settings.get("sso_start_url")
    return None


def token(ctx: Context, session: str) -> awssso.Token:
    return awssso.token(paths.aws_sso_cache(ctx.home), session)


def effective(profile: Profile) -> Optional[Aws]:
    """The profile's AWS sections whose `when:` holds (an optional sign-in left unanswered
    writes nothing); a default_profile that is left out is left out too."""
    spec = profile.components.aws
    if spec is None:
        return None
    sessions = {n: s for n, s in spec.sso_sessions.items() if conditions.holds(s.when, profile)}
    profiles_ = {n: p for n, p in spec.profiles.items() if conditions.holds(p.when, profile)}
    default = spec.default_profile if spec.default_profile in profiles_ else None
    process = [name for name in spec.process_profiles if name in profiles_]
    return spec.model_copy(
        update={
            "sso_sessions": sessions,
            "profiles": profiles_,
            "default_profile": default,
            "process_profiles": process,
        }
    )


# --- plan -----------------------------------------------------------------------------------


def plan(ctx: Context, profile: Profile) -> list[Step]:
    spec = effective(profile)
    if spec is None:
        return []
    need = parse_version(spec.min_version or DEFAULT_MIN_VERSION) or ()
    cli = detect(ctx)
    have = cli.version
    steps: list[Step] = []
    # When the profile lists the CLI among its packages, that component installs it, in the
    # same batch (and sudo prompt) as everything else; two installers would fight over it.
    # A CLI that cannot start because of a config file is installed: notes() says what to fix.
    # An old one first on PATH with a new enough one behind it: no installer changes which runs.
    first = shadowed(ctx, need) if have is not None and have < need else None
    if first is not None:
        raise Failure(
            f"the AWS CLI {_dotted(have or ())} is older than {_dotted(need)} (SSO sessions need 2.9): "
            f"{first[0]}; fix: {first[1]}"
        )
    if cli.broken is None and (have is None or have < need) and not _listed_in_packages(profile):
        why = "is not installed" if have is None else f"{_dotted(have)} is older than {_dotted(need)}"
        commands = install_commands(ctx, need)
        if not commands:
            raise Failure(
                f"the AWS CLI {why}, and bootstrap cannot install it on {ctx.platform.describe()}: {install_hint(ctx, need)}"
            )
        steps.append(
            Step(
                NAME,
                f"Install the AWS CLI (aws {why})",
                commands=tuple(commands),
                interactive=ctx.interactive,
                installs=("the AWS CLI", syspkg.remove_command(ctx.platform, "awscli")),
            )
        )
    steps += config_steps(ctx, spec)
    steps += login_steps(ctx, spec)
    return steps


def notes(ctx: Context, profile: Profile) -> list[str]:
    """What the plan leaves to the person: a config file the AWS CLI cannot read is theirs to fix."""
    if effective(profile) is None:
        return []
    broken = detect(ctx).broken
    if broken is None:
        return []
    return [
        f"{broken}. The AWS CLI is installed, but no aws command works until you fix that "
        "(bootstrap never changes your own lines)"
    ]


def _listed_in_packages(profile: Profile) -> bool:
    packages = profile.components.packages
    if packages is None:
        return False
    for entry in packages.system:
        name = entry if isinstance(entry, str) else entry.name
        command = None if isinstance(entry, str) else entry.command
        if "aws" in (name, command) or name == "awscli":
            return True
    return False


def config_steps(ctx: Context, spec: Aws) -> list[Step]:
    path = paths.aws_config_file(ctx.home, ctx.env)
    before = files.read(files.real_target(path))
    after_text, edit = awsconfig.edited(files.decode(before or b""), spec)
    after = files.encode(after_text)
    _refuse_broken(ctx, path, after_text, spec)
    if after == (before if before is not None else b""):  # nothing to write, not even an empty file
        return []
    parts = []
    for verb, names in (
        ("add", edit.added),
        ("update", edit.updated),
        ("replace your own", edit.adopted),
        ("remove", edit.removed),
    ):
        if names:
            parts.append(f"{verb} {', '.join(names)}")
    summary = f"In {ctx.tilde(path)}: {'; '.join(parts)}"
    # The CLI creates this file readable by its owner only; so do we.
    return [Step(NAME, summary, changes=(FileChange(path, before, after, 0o600 if before is None else None),))]


def _refuse_broken(ctx: Context, path: Path, text: str, spec: Aws) -> None:
    """The team's sections, read back with everything around them, must make a sound graph."""
    config = awsconfig.parse(text)
    credentials = awsconfig.credentials_profiles(
        files.decode(files.read(paths.aws_credentials_file(ctx.home, ctx.env)) or b"")
    )
    local = Local(path, paths.aws_credentials_file(ctx.home, ctx.env), config, credentials)
    ours = set(spec.profiles) | {f"[sso-session {n}]" for n in spec.sso_sessions}
    if spec.default_profile and not awsconfig.users_default(config):
        ours.add("default")
    bad = [str(p) for p in local.problems(ctx.tilde) if p.profile in ours]
    if bad:
        raise Failure(
            "the team profile's AWS profiles would not work, so ~/.aws/config was left as it is: "
            + "; ".join(bad)
            + ". Ask your platform team to fix the profile (bootstrap profile validate checks it)"
        )


def login_steps(ctx: Context, spec: Aws) -> list[Step]:
    """Signing in to each team SSO session that is not signed in: offered once the rest of the
    run is done, on a terminal only after asking (it opens a browser and needs AWS); never
    started unasked. Without a terminal (or with --yes) it waits on the person, with the command."""
    steps = []
    for name in spec.sso_sessions:
        if token(ctx, name).state in ("fresh", "renewable"):
            continue
        users = [p for p, s in spec.profiles.items() if s.sso_session == name]

        def sign_in(applier: Applier, name: str = name, users: list[str] = users) -> None:
            _sign_in(applier.ctx, name, users)

        steps.append(
            Step(
                NAME,
                f"Sign in to AWS SSO session {name} and check who you are in {', '.join(users) or 'it'} "
                f"({awssso.login_command(name)} opens your browser: asked at the end, never started unasked)",
                interactive=True,
                apply=sign_in,
                needs=("network",),
                last=True,
            )
        )
    return steps


def _sign_in(ctx: Context, session: str, users: list[str]) -> None:
    command = awssso.login_command(session)
    if token(ctx, session).state in ("fresh", "renewable"):
        return  # signed in meanwhile, in another terminal
    waiting = f"you are not signed in to AWS SSO session {session} yet"
    if ctx.prompter is None:
        raise Deferred("you", waiting, command, routine=True)
    ctx.console.print(
        f"Your AWS profiles ({', '.join(users) or session}) work once you sign in to SSO session {session}: "
        f"`{command}` opens your browser.",
        markup=False,
    )
    if not ctx.prompter.confirm("Sign in to AWS now?", default=True):
        raise Deferred("you", waiting, command, routine=True)
    result = ctx.runner.run(["aws", "sso", "login", "--sso-session", session], timeout=900, interactive=True)
    if not result.ok:
        raise Deferred(
            "you",
            f"{waiting}: `{command}` ended with exit code {result.returncode} (its reason is above; "
            "a sign-in page out of reach means the network or VPN)",
            command,
            routine=True,
        )
    _verify_identities(ctx, users)


def _verify_identities(ctx: Context, profiles: list[str]) -> None:
    local = read_local(ctx)
    answers = awsidentity.lookup(profiles, local.config_path, local.credentials_path)
    failed = [f"{p}: {a.message}" for p, a in answers.items() if isinstance(a, awsidentity.Problem)]
    if failed:
        raise Failure("signed in, but these profiles still do not work: " + "; ".join(failed))


# --- what the profile owns (for letting go when it no longer has AWS profiles) --------------


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    """Our sections carry a marker in the file, so one entry stands for all of them."""
    spec = effective(profile)
    if spec is None or not (spec.profiles or spec.sso_sessions):
        return []
    return [Owned("sections", str(paths.aws_config_file(ctx.home, ctx.env)))]


def release(ctx: Context, items: list[Owned], why: str) -> Released:
    steps = []
    for item in (o for o in items if o.kind == "sections"):
        path = Path(item.target)
        before = files.read(files.real_target(path))
        if before is None:
            continue
        after_text, edit = awsconfig.edited(files.decode(before), Aws())
        if edit.removed:
            # a file that held only our sections was ours: it goes with them
            change = FileChange(path, before, files.encode(after_text) if after_text.strip() else None)
            summary = f"In {ctx.tilde(path)}: remove {', '.join(edit.removed)} ({why})"
            steps.append(Step(NAME, summary, changes=(change,)))
    return Released(steps)


# --- doctor ---------------------------------------------------------------------------------


def checks(ctx: Context, profile: Profile) -> list[Check]:
    spec = effective(profile) or Aws()
    need = parse_version(spec.min_version or DEFAULT_MIN_VERSION) or ()
    cli = once(lambda: detect(ctx))
    local = once(lambda: read_local(ctx))

    def installed() -> Outcome:
        have, broken = cli().version, cli().broken
        if broken is not None:
            return Outcome(
                "error",
                f"the AWS CLI is installed but cannot start: it cannot read {broken}",
                "fix that line in a text editor; every aws command works again once the file reads",
                DOCS_CONFIG,
            )
        if have is None:
            return Outcome("error", "the AWS CLI (aws) is not installed", install_hint(ctx, need), DOCS_INSTALL)
        if have < need:
            summary = f"the AWS CLI {_dotted(have)} is older than the {_dotted(need)} this profile needs (SSO sessions need 2.9)"
            first = shadowed(ctx, need)
            if first is not None:
                return Outcome("error", f"{summary}: {first[0]}", first[1], DOCS_INSTALL)
            return Outcome("error", summary, install_hint(ctx, need), DOCS_INSTALL)
        return ok(f"the AWS CLI {_dotted(have)} is installed")

    def config() -> Outcome:
        found = local()
        problems = found.problems(ctx.tilde)
        if problems:
            return Outcome(
                "error",
                f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in your AWS profiles: "
                + "; ".join(str(p) for p in problems),
                f"fix those lines in {ctx.tilde(found.config_path)}, then see the chains with `bootstrap aws graph`",
                DOCS,
            )
        text = found.config.text
        if awsconfig.edited(text, spec)[0] != text:
            return Outcome(
                "warning",
                f"the team's AWS profiles in {ctx.tilde(found.config_path)} are missing or out of date",
                FIX_RUN,
                DOCS,
            )
        count = len(found.config.profiles)
        if not count:
            return ok("no AWS profiles are set up (your profile lists none)")
        return ok(f"{count} AWS profile{'s' if count != 1 else ''}, every role chain complete")

    def credentials() -> Outcome:
        found = local()
        keys = awsconfig.long_lived(found.credentials)
        if keys:
            return Outcome(
                "warning",
                f"long-lived access keys in {ctx.tilde(found.credentials_path)} (profile {', '.join(keys)}): "
                "they never expire, so a leaked laptop or file leaks them",
                "sign in with SSO instead (`aws sso login`), then delete those keys in the IAM console and from that file",
                DOCS,
            )
        return ok("no long-lived access keys on this machine")

    checks_ = [
        Check("aws.cli", NAME, installed),
        Check("aws.config", NAME, config),
        Check("aws.credentials", NAME, credentials),
    ]
    if spec.default_profile:
        checks_.append(Check("aws.default", NAME, _default_check(ctx, spec.default_profile, local)))
    for name in spec.sso_sessions:
        checks_.append(Check(f"aws.sso.{name}", NAME, _sso_check(ctx, name)))
    identities = once(lambda: _lookup(ctx, local(), list(spec.profiles)))
    for name in spec.profiles:
        checks_.append(Check(f"aws.identity.{name}", NAME, _identity_check(ctx, name, local, identities)))
    companions = once(
        lambda: awsidentity.lookup(
            [awsconfig.companion(n) for n in spec.process_profiles], local().config_path, local().credentials_path
        )
    )
    for name in spec.process_profiles:
        checks_.append(Check(f"aws.process.{name}", NAME, _process_check(ctx, name, local, companions)))
    return checks_


def _process_check(
    ctx: Context, profile: str, local: Callable[[], Local], identities: Callable[[], dict[str, awsidentity.Answer]]
) -> Callable[[], Outcome]:
    """The companion profile gives keys that AWS accepts (it runs `bootstrap aws credentials`)."""

    def run() -> Outcome:
        found = local()
        companion = awsconfig.companion(profile)
        if companion not in found.profiles:
            return Outcome(
                "error",
                f"there is no AWS profile {companion} (keys of {profile} for tools that cannot sign in) in "
                f"{ctx.tilde(found.config_path)} yet",
                FIX_RUN,
                DOCS_PROCESS,
            )
        if precheck(ctx, found, profile) is not None:
            return Outcome(
                "skipped", f"profile {companion} is checked once profile {profile} works (see aws.identity.{profile})"
            )
        if ctx.offline:
            return Outcome("skipped", f"profile {companion} was not checked (--offline)")
        answer = identities().get(companion)
        if isinstance(answer, awsidentity.Identity):
            return ok(
                f"profile {companion} (for tools that cannot sign in) is {answer.principal} in account {answer.account}"
            )
        message = ctx.tilde(answer.message) if isinstance(answer, awsidentity.Problem) else "not checked"
        return Outcome(
            "error",
            f"profile {companion} gives tools no working keys ({message})",
            f"bootstrap aws credentials --profile {profile}",
            DOCS_PROCESS,
        )

    return run


def _default_check(ctx: Context, name: str, local: Callable[[], Local]) -> Callable[[], Outcome]:
    def run() -> Outcome:
        found = local()
        section = found.config.profiles.get("default")
        if section is not None and not section.owned:
            return Outcome(
                "info",
                f"your own [default] AWS profile in {ctx.tilde(found.config_path)} stays as it is, so `aws` "
                f"without --profile does not use {name}",
                f"add `--profile {name}` to aws commands, or `export AWS_PROFILE={name}`; or delete your [default] "
                f"section and run `{FIX_RUN}`",
                DOCS,
            )
        if section is None:
            return Outcome("warning", f"aws commands have no default profile yet (it will be {name})", FIX_RUN, DOCS)
        return ok(f"aws commands without --profile use profile {name}")

    return run


def _sso_check(ctx: Context, session: str) -> Callable[[], Outcome]:
    def run() -> Outcome:
        state = token(ctx, session)
        fix = awssso.login_command(session)
        if state.state == "fresh" and state.expires is not None:
            return ok(f"signed in to SSO session {session} until {state.expires:%Y-%m-%d %H:%M} UTC")
        if state.state == "renewable":
            return ok(f"signed in to SSO session {session}; the AWS CLI renews the sign-in by itself")
        if state.state == "missing":
            # A first sign-in still to do (it opens a browser), not something broken on this computer.
            return Outcome(
                "warning", f"you have not signed in to SSO session {session} on this computer yet", fix, DOCS
            )
        if state.state == "expired" and state.expires is not None:
            return Outcome(
                "error",
                f"your sign-in to SSO session {session} expired on {state.expires:%Y-%m-%d %H:%M} UTC",
                fix,
                DOCS,
            )
        return Outcome("error", f"the saved sign-in for SSO session {session} cannot be read", fix, DOCS)

    return run


def _lookup(ctx: Context, local: Local, profiles: list[str]) -> dict[str, awsidentity.Answer]:
    """Identities of the profiles worth asking about (not the ones already known to fail).
    botocore is imported by awsidentity.lookup only, so --offline never loads it."""
    asked = [p for p in profiles if p in local.profiles and precheck(ctx, local, p) is None]
    return awsidentity.lookup(asked, local.config_path, local.credentials_path)


def precheck(ctx: Context, local: Local, profile: str) -> Optional[Outcome]:
    """What can be said without the network: a missing profile, a signed-out session, MFA."""
    if profile not in local.profiles:
        return Outcome(
            "error", f"there is no AWS profile {profile} in {ctx.tilde(local.config_path)} yet", FIX_RUN, DOCS
        )
    hops = local.chain(profile)
    if hops and hops[0].kind in ("missing", "loop", "none"):
        return Outcome(
            "error",
            f"profile {profile} cannot get credentials: {hops[0].profile}: {hops[0].detail}",
            "bootstrap aws graph",
            DOCS,
        )
    session = sso_root(local, profile)
    state = token(ctx, session).state if session is not None else None
    if state == "missing":
        return Outcome(
            "skipped",
            f"who profile {profile} is will be checked once you sign in to SSO session {session}",
            awssso.login_command(str(session)),
            DOCS,
        )
    if session is not None and state not in ("fresh", "renewable"):
        return Outcome(
            "error",
            f"profile {profile} needs you to sign in to SSO session {session} (not signed in, or the sign-in expired)",
            awssso.login_command(session),
            DOCS,
        )
    mfa = next((h.mfa for h in hops if h.mfa), None)
    if mfa:
        return Outcome(
            "skipped",
            f"profile {profile} asks for an MFA code ({mfa}), which doctor cannot type for you",
            f"aws sts get-caller-identity --profile {profile}",
        )
    return None


def _identity_check(
    ctx: Context, profile: str, local: Callable[[], Local], identities: Callable[[], dict[str, awsidentity.Answer]]
) -> Callable[[], Outcome]:
    def run() -> Outcome:
        found = local()
        early = precheck(ctx, found, profile)
        if early is not None:
            return early
        if ctx.offline:
            return Outcome("skipped", f"who profile {profile} is was not checked (--offline)")
        answer = identities().get(profile)
        if isinstance(answer, awsidentity.Identity):
            return ok(f"profile {profile} is {answer.principal} in account {answer.account}")
        if not isinstance(answer, awsidentity.Problem):
            return Outcome(
                "error", f"profile {profile} was not checked", f"aws sts get-caller-identity --profile {profile}"
            )
        return identity_outcome(ctx, found, answer)

    return run


def identity_outcome(ctx: Context, local: Local, problem: awsidentity.Problem) -> Outcome:
    """A failed identity lookup, in words, with the command that fixes it."""
    name, message = problem.profile, ctx.tilde(problem.message)
    session = sso_root(local, name)
    login = awssso.login_command(session) if session else f"aws sso login --profile {name}"
    if problem.kind == "expired":
        return Outcome("error", f"profile {name}: your AWS sign-in has expired ({message})", login, DOCS)
    if problem.kind == "no-credentials":
        fix = (
            login
            if session
            else f"ask your platform team which SSO sign-in profile {name} should use, then `{FIX_RUN}`"
        )
        return Outcome("error", f"profile {name} has no credentials to sign in with ({message})", fix, DOCS)
    if problem.kind == "unknown-profile":
        return Outcome("error", f"there is no AWS profile {name} ({message})", FIX_RUN, DOCS)
    if problem.kind == "access-denied":
        return Outcome(
            "error",
            f"profile {name} was denied: {message}",
            f"bootstrap aws explain --profile {name} {shlex.quote(message)}",
            DOCS,
        )
    if problem.kind == "invalid-keys":
        return Outcome(
            "error",
            f"the access keys behind profile {name} are not valid any more ({message})",
            "move this profile to SSO (ask your platform team), and delete the old keys from ~/.aws/credentials",
            DOCS,
        )
    if problem.kind in ("no-network", "timeout"):
        return Outcome(
            "error",
            f"could not reach AWS to check profile {name} ({message})",
            "check your internet connection or VPN, then run `bootstrap doctor` again (or `bootstrap doctor --offline`)",
        )
    if problem.kind == "config":
        return Outcome("error", f"profile {name} is not set up right ({message})", "bootstrap aws graph", DOCS)
    return Outcome(
        "error", f"profile {name} could not sign in ({message})", f"aws sts get-caller-identity --profile {name}", DOCS
    )


def lint(loaded: Loaded) -> list[str]:
    """`profile validate`: the team's AWS profiles must make a sound role graph on their own.

    Profiles in a user's ~/.aws/credentials cannot be known here, so a source_profile that is
    not among the team's profiles is left to doctor on the user's machine."""
    spec = loaded.model.components.aws
    if spec is None:
        return []
    profiles_, sessions = awsconfig.spec_settings(spec)
    external = {
        s["source_profile"]
        for s in profiles_.values()
        if s.get("source_profile") and s["source_profile"] not in profiles_
    }
    where = {name: loaded.where(("components", "aws", "profiles", name)) for name in spec.profiles}
    where |= {f"sso-session {n}": loaded.where(("components", "aws", "sso_sessions", n)) for n in spec.sso_sessions}
    return [str(p) for p in awsgraph.lint(profiles_, sessions, credentials=external, where=where)]
