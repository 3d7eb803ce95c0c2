"""Git: installed and new enough, your identity, the team's settings, a global ignore file.

Settings are edited by git itself (`git config --file`) on a copy of ~/.gitconfig, and the
result goes through the safe file engine: git keeps every other line of the user's file as it
was, and we keep the backup, the diff and the undo.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Callable, Optional

from bootstrap.profiles.load import ANSWER
from bootstrap.profiles.schema import Git, GitHost, Profile
from bootstrap.system import files, syspkg
from bootstrap.system.context import Context
from bootstrap.system.errors import Deferred, Failure
from bootstrap.system.findings import Check, Outcome, ok, once
from bootstrap.system.managed import Owned, Released
from bootstrap.system.steps import Applier, FileChange, Step

NAME = "git"
REQUIRES: tuple[str, ...] = ()
DOCS = "https://git-scm.com/book/en/v2/Getting-Started-First-Time-Git-Setup"
FIX_RUN = "bootstrap run --only git"
BLOCK = "git"
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0", ""}


# --- reading git ----------------------------------------------------------------------------


def parse_version(text: str) -> Optional[tuple[int, ...]]:
    match = re.search(r"(\d+(?:\.\d+)+)", text)
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


def installed_version(ctx: Context) -> Optional[tuple[int, ...]]:
    result = ctx.runner.run(["git", "--version"], timeout=10)
    return parse_version(result.stdout) if result.ok else None


def global_config(ctx: Context) -> Path:
    """The file `git config --global` writes: ~/.gitconfig, or the XDG one when only it exists."""
    classic = ctx.home / ".gitconfig"
    xdg = _xdg_git_dir(ctx) / "config"
    return xdg if not classic.exists() and xdg.exists() else classic


def _xdg_git_dir(ctx: Context) -> Path:
    base = ctx.env.get("XDG_CONFIG_HOME") or str(ctx.home / ".config")
    return Path(base) / "git"


def normalize_key(key: str) -> str:
    """Section and name are case-insensitive in git; a subsection is not."""
    section, _, rest = key.partition(".")
    middle, _, name = rest.rpartition(".")
    return ".".join(p for p in (section.lower(), middle, name.lower()) if p)


def parse_list(output: str) -> dict[str, str]:
    """`git config --list -z` output; the last value of a key is the one in force."""
    values: dict[str, str] = {}
    for record in output.split("\0"):
        if record:
            key, _, value = record.partition("\n")
            values[normalize_key(key)] = value
    return values


def read_file_values(ctx: Context, path: Path, content: Optional[bytes]) -> dict[str, str]:
    """The settings in one config file (content is its bytes, already read; None: no file)."""
    if content is None:
        return {}
    result = ctx.runner.run(["git", "config", "--file", path, "--list", "-z"], timeout=10)
    if not result.ok:
        raise Failure(
            f"{ctx.tilde(path)} is not valid git configuration ({ctx.tilde(result.stderr.strip())}); fix that line, then run again"
        )
    return parse_list(result.stdout)


def read_effective(ctx: Context) -> dict[str, str]:
    """Global settings as git sees them, includes followed."""
    result = ctx.runner.run(["git", "config", "--global", "--includes", "--list", "-z"], timeout=10, cwd=ctx.home)
    return parse_list(result.stdout) if result.ok else {}


def same_value(current: Optional[str], wanted: str) -> bool:
    if current is None:
        return False
    if wanted.lower() in _TRUE | _FALSE and wanted != "":
        return (current.lower() in _TRUE and wanted.lower() in _TRUE) or (
            current.lower() in _FALSE and wanted.lower() in _FALSE
        )
    return current == wanted


# --- what the profile wants -----------------------------------------------------------------


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def wanted_settings(spec: Git) -> dict[str, str]:
    """user.* and config keys as the profile spells them (git keeps the spelling it is given).

    Values still holding an unanswered {{ answers.x }} are left out.
    """
    wanted = {}
    if spec.user and spec.user.name:
        wanted["user.name"] = spec.user.name
    if spec.user and spec.user.email:
        wanted["user.email"] = spec.user.email
    wanted.update({k: _text(v) for k, v in spec.config.items()})
    return {k: v for k, v in wanted.items() if not ANSWER.search(v)}


def excludes_file(ctx: Context, values: dict[str, str]) -> Path:
    """The user's own core.excludesFile when set, else git's default, which needs no setting."""
    configured = values.get("core.excludesfile")
    if configured:
        return ctx.expand(configured)
    return _xdg_git_dir(ctx) / "ignore"


def ignore_block(spec: Git) -> list[str]:
    return ["# Added by bootstrap from your profile; `bootstrap undo` takes it out again.", *spec.ignore]


BOM = b"\xef\xbb\xbf"


def edited_config(ctx: Context, path: Path, before: Optional[bytes], changes: Mapping[str, Optional[str]]) -> bytes:
    """The config file after `git config` set (or, for None, unset) each change, computed on a copy.

    git (2.39) writes a new section in front of a byte-order mark when the file holds nothing
    else, and then cannot read its own file: git gets the file without the mark, and the mark
    goes back in front afterwards. The result is parsed once more before anyone writes it.
    """
    original = before or b""
    bom = BOM if original.startswith(BOM) else b""
    with tempfile.TemporaryDirectory(prefix="bootstrap-git-") as tmp:
        copy = Path(tmp) / "config"
        copy.write_bytes(original[len(bom) :])
        for key, value in changes.items():
            edit = ["--unset-all", key] if value is None else ["--replace-all", key, value]
            result = ctx.runner.run(["git", "config", "--file", copy, *edit], timeout=10)
            if not result.ok:
                raise Failure(f"git could not set {key} in {ctx.tilde(path)} ({result.stderr.strip()})")
        copy.write_bytes(bom + copy.read_bytes())
        check = ctx.runner.run(["git", "config", "--file", copy, "--list"], timeout=10)
        if not check.ok:
            raise Failure(
                f"git produced a {ctx.tilde(path)} it cannot read back; it was left as it is ({check.stderr.strip()})"
            )
        return copy.read_bytes()


# --- plan -----------------------------------------------------------------------------------


def plan(ctx: Context, profile: Profile) -> list[Step]:
    spec = profile.components.git
    if spec is None:
        return []
    have = installed_version(ctx)
    if have is None:
        return _install_steps(ctx, profile, "is not installed")
    if spec.min_version and have < (parse_version(spec.min_version) or ()):
        return _install_steps(ctx, profile, f"{_dotted(have)} is older than {spec.min_version}")
    return _config_steps(ctx, spec)


def _install_steps(ctx: Context, profile: Profile, why: str) -> list[Step]:
    commands = syspkg.install_commands(ctx.platform, "git")
    if not commands:
        raise Failure(
            f"git {why}, and bootstrap does not know how to install it on {ctx.platform.describe()}: install git, then run again"
        )

    def configure(applier: Applier) -> None:
        for step in _config_steps(ctx, profile.components.git or Git()):
            applier.apply(step)

    return [
        Step(
            NAME,
            f"Install git (git {why})",
            commands=tuple(commands),
            interactive=ctx.interactive,
            installs=("git", syspkg.remove_command(ctx.platform, "git")),
        ),
        Step(
            NAME,
            "Configure git once it is installed",
            later="the settings to change are worked out after the install",
            apply=configure,
        ),
    ]


def _config_steps(ctx: Context, spec: Git) -> list[Step]:
    steps = []
    path = global_config(ctx)
    before = files.read(files.real_target(path))
    current = read_file_values(ctx, path, before)
    wanted = wanted_settings(spec)
    changes = {k: v for k, v in wanted.items() if not same_value(current.get(normalize_key(k)), v)}
    helper = _missing_credential_helper(ctx, spec)
    if helper:
        changes["credential.helper"] = helper
    if changes:
        after = edited_config(ctx, path, before, changes)
        names = ", ".join(changes)
        steps.append(Step(NAME, f"Set {names} in {ctx.tilde(path)}", changes=(FileChange(path, before, after),)))
    if spec.ignore:
        target = excludes_file(ctx, current)
        before = files.read(files.real_target(target))
        after = files.encode(files.with_block(files.decode(before or b""), BLOCK, ignore_block(spec)))
        if after != before:
            what = "Add" if before is None or files.block_body(files.decode(before), BLOCK) is None else "Update"
            steps.append(
                Step(
                    NAME,
                    f"{what} {len(spec.ignore)} patterns git should never track in {ctx.tilde(target)}",
                    changes=(FileChange(target, before, after),),
                )
            )
    return steps + _ssh_steps(ctx, spec)


def _recorder(host: GitHost) -> Callable[[Applier], None]:
    from bootstrap.components.git import sshaccess

    return lambda applier: sshaccess.record_host_key(applier, host)


def _missing_credential_helper(ctx: Context, spec: Git) -> Optional[str]:
    """The platform's credential helper, when the team uses git hosts and git has none yet."""
    from bootstrap.components.git import credhelper

    if not spec.hosts or credhelper.configured(ctx):
        return None
    return credhelper.available(ctx)


def _email(spec: Git) -> str:
    email = spec.user.email if spec.user and spec.user.email else ""
    return "" if ANSWER.search(email) else email


def _ssh_steps(ctx: Context, spec: Git) -> list[Step]:
    """Key, ~/.ssh/config block, known hosts; publishing and a check follow a new key."""
    from bootstrap.components.git import sshaccess, sshkeys

    if not spec.hosts:
        return []
    steps = []
    found = sshkeys.find_key(ctx.paths)
    key = found or sshkeys.new_key(ctx.paths)
    hosts = sshkeys.unique_hosts(spec.hosts)
    if found is None:
        email = _email(spec)
        need = "" if spec.allow_empty_passphrase else ", protected by a passphrase you choose"
        steps.append(
            Step(
                NAME,
                f"Create your SSH key {ctx.tilde(key.private)} (ed25519{', ' + email if email else ''}{need})",
                later="the passphrase is asked on a hidden prompt; never written down",
                interactive=True,
                apply=lambda a: sshaccess.create_key(a, key, email, spec.allow_empty_passphrase),
            )
        )
    elif sshkeys.too_open(found.private):
        steps.append(
            Step(
                NAME,
                f"Make {ctx.tilde(found.private)} readable by you only (ssh refuses to use it otherwise)",
                commands=(("chmod", "600", str(found.private)),),
            )
        )
    path = ctx.paths.ssh_config
    target = files.real_target(path)
    before = files.read(target)
    body = sshkeys.config_block(ctx.paths, hosts, key, macos=ctx.platform.os == "darwin")
    after = files.encode(sshkeys.with_config_block(files.decode(before or b""), body))
    mode = sshkeys.config_mode(target, before)
    if after != before or (mode is not None and mode != files.mode_of(target)):
        what = "Add" if before is None or files.block_body(files.decode(before), sshkeys.BLOCK) is None else "Update"
        names = ", ".join(h.host for h in hosts)
        steps.append(
            Step(
                NAME,
                f"{what} the team's git hosts ({names}) in {ctx.tilde(path)}",
                changes=(FileChange(path, before, after, mode),),
            )
        )
    postponed: list[Deferred] = []  # the person said "later": checking the key now only repeats that

    def publish(applier: Applier) -> None:
        try:
            sshaccess.publish(applier.ctx, key, hosts)
        except Deferred as exc:
            postponed.append(exc)
            raise

    def verify(applier: Applier) -> None:
        if not postponed:
            sshaccess.verify(applier.ctx, hosts, key)

    if found is None:
        steps.append(Step(NAME, "Show your new public key and where to add it", interactive=True, apply=publish))
    unknown = [h for h in hosts if not sshkeys.host_known(ctx, h.host, h.port)]
    given = [f"{sshkeys.host_name(h.host, h.port)} {line}" for h in unknown for line in h.host_keys]
    if given:
        known = ctx.paths.known_hosts
        current = files.read(files.real_target(known))
        names = ", ".join(h.host for h in unknown if h.host_keys)
        steps.append(
            Step(
                NAME,
                f"Record the host keys of {names} from the profile in {ctx.tilde(known)}",
                changes=(FileChange(known, current, sshkeys.with_host_keys(current, given)),),
            )
        )
    for host in (h for h in unknown if not h.host_keys):
        steps.append(
            Step(
                NAME,
                f"Record the host key of {sshkeys.host_name(host.host, host.port)} in {ctx.tilde(ctx.paths.known_hosts)} once you confirm its fingerprint",
                later="the key is fetched with ssh-keyscan and its fingerprint shown",
                interactive=True,
                apply=_recorder(host),
                needs=("network",),
            )
        )
    if found is None:
        steps.append(
            Step(
                NAME,
                "Check that the team's git hosts accept the key",
                apply=verify,
                needs=("network",),
            )
        )
    return steps


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in version)


# --- what the profile owns (for letting go when it no longer asks for it) -------------------

# the person's identity, answered by them: a profile that drops git does not take it away
IDENTITY = ("user.name", "user.email")


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    from bootstrap.components.git import sshkeys

    spec = profile.components.git
    if spec is None or installed_version(ctx) is None:
        return []
    out = [
        Owned("setting", normalize_key(key), value)
        for key, value in wanted_settings(spec).items()
        if normalize_key(key) not in IDENTITY
    ]
    if spec.ignore:
        path = global_config(ctx)
        current = read_file_values(ctx, path, files.read(files.real_target(path)))
        out.append(Owned("block", str(excludes_file(ctx, current)), BLOCK))
    if spec.hosts:
        out.append(Owned("block", str(ctx.paths.ssh_config), sshkeys.BLOCK))
    return out


def release(ctx: Context, items: list[Owned], why: str) -> Released:
    """Unset the settings we made that still hold our value; one changed since stays."""
    settings = [o for o in items if o.kind == "setting"]
    if not settings or installed_version(ctx) is None:
        return Released()
    path = global_config(ctx)
    before = files.read(files.real_target(path))
    current = read_file_values(ctx, path, before)
    ours: dict[str, Optional[str]] = {o.target: None for o in settings if same_value(current.get(o.target), o.value)}
    notes = [
        f"{o.target} in {ctx.tilde(path)} stays: it was changed after bootstrap set it ({why})"
        for o in settings
        if o.target in current and o.target not in ours
    ]
    if not ours:
        return Released(notes=notes)
    after = edited_config(ctx, path, before, ours)
    summary = f"Unset {', '.join(ours)} in {ctx.tilde(path)} ({why})"
    return Released([Step(NAME, summary, changes=(FileChange(path, before, after),))], notes)


# --- doctor ---------------------------------------------------------------------------------


def checks(ctx: Context, profile: Profile) -> list[Check]:
    spec = profile.components.git or Git()
    version = once(lambda: installed_version(ctx))
    effective = once(lambda: read_effective(ctx))
    email_pattern = next((p.pattern for p in profile.prompts if p.id == "email" and p.pattern), None)

    def installed() -> Outcome:
        have = version()
        if have is None:
            return Outcome("error", "git is not installed", syspkg.install_hint(ctx.platform, "git"), DOCS)
        need = parse_version(spec.min_version or "") or ()
        if have < need:
            return Outcome(
                "error",
                f"git {_dotted(have)} is older than the {spec.min_version} this profile needs",
                syspkg.install_hint(ctx.platform, "git"),
                DOCS,
            )
        return ok(f"git {_dotted(have)} is installed")

    def identity() -> Outcome:
        values = effective()
        missing = [k for k in ("user.name", "user.email") if not values.get(k)]
        if missing:
            return Outcome(
                "error",
                f"git does not know who you are ({' and '.join(missing)} not set): commits will fail",
                FIX_RUN,
                DOCS,
            )
        return ok(f"your commits carry the name {values['user.name']} <{values['user.email']}>")

    def email() -> Outcome:
        if not email_pattern:
            return Outcome("skipped", "no email rule in this profile")
        address = effective().get("user.email", "")
        if not address:
            return Outcome("skipped", "no email set yet (see the identity check)")
        if not re.fullmatch(email_pattern, address):
            return Outcome(
                "warning",
                f"your git email {address} does not look like a work address (expected to match {email_pattern})",
                'git config --global user.email "you@your-company.com"',
                DOCS,
            )
        return ok(f"{address} is a work address")

    def settings() -> Outcome:
        values = effective()
        differ = [k for k, v in wanted_settings(spec).items() if not same_value(values.get(normalize_key(k)), v)]
        if differ:
            return Outcome("warning", f"these git settings differ from the profile: {', '.join(differ)}", FIX_RUN)
        return ok("the team's git settings are in place")

    def ignored() -> Outcome:
        if not spec.ignore:
            return Outcome("skipped", "this profile lists no patterns to ignore")
        target = excludes_file(ctx, effective())
        body = files.block_body(files.decode(files.read(target) or b""), BLOCK)
        if body != ignore_block(spec):
            state = "is missing" if body is None else "is out of date"
            return Outcome(
                "warning", f"the list of files git should never track {state} in {ctx.tilde(target)}", FIX_RUN
            )
        sample = next((p.rstrip("/") for p in spec.ignore if not re.search(r"[*?\[!\\]", p)), None)
        if sample and not _really_ignored(ctx, sample):
            return Outcome(
                "error",
                f"git does not use {ctx.tilde(target)}: {sample} would be committed",
                f"git config --global core.excludesFile {ctx.tilde(target)}",
            )
        return ok(f"git ignores {len(spec.ignore)} kinds of files (secrets, data, notebooks' leftovers)")

    def with_git(check: Callable[[], Outcome]) -> Callable[[], Outcome]:
        def guarded() -> Outcome:
            if version() is None:
                return Outcome("skipped", "git is not installed", syspkg.install_hint(ctx.platform, "git"))
            return check()

        return guarded

    return [
        Check("git.installed", NAME, installed),
        Check("git.identity", NAME, with_git(identity)),
        Check("git.email", NAME, with_git(email)),
        Check("git.settings", NAME, with_git(settings)),
        Check("git.ignore", NAME, with_git(ignored)),
        *_access_checks(ctx, spec, with_git),
    ]


def _access_checks(
    ctx: Context, spec: Git, with_git: Callable[[Callable[[], Outcome]], Callable[[], Outcome]]
) -> list[Check]:
    """Only for profiles that name git hosts: key, agent, ssh config, HTTPS helper, each host."""
    from bootstrap.components.git import credhelper, sshaccess, sshkeys, sshprobe

    if not spec.hosts:
        return []
    hosts = sshkeys.unique_hosts(spec.hosts)
    found = sshkeys.find_key(ctx.paths)

    def key() -> Outcome:
        if found is None:
            return Outcome(
                "error", "you have no SSH key, so the team's git hosts cannot know you", FIX_RUN, sshaccess.DOCS
            )
        if sshkeys.too_open(found.private):
            return Outcome(
                "error",
                f"others can read your SSH key {ctx.tilde(found.private)}, so ssh refuses to use it",
                f"chmod 600 {ctx.tilde(found.private)}",
            )
        if not found.public.exists():
            return Outcome(
                "error",
                f"{ctx.tilde(found.public)} is missing, so you cannot show anyone your public key",
                f"ssh-keygen -y -f {ctx.tilde(found.private)} > {ctx.tilde(found.public)}",
            )
        return ok(f"your SSH key {ctx.tilde(found.private)} is there, readable by you only")

    def agent() -> Outcome:
        if found is None:
            return Outcome("skipped", "no SSH key yet (see git.ssh.key)")
        return sshaccess.agent_outcome(ctx, found)

    def config() -> Outcome:
        path = ctx.paths.ssh_config
        wanted = sshkeys.config_block(
            ctx.paths, hosts, found or sshkeys.new_key(ctx.paths), ctx.platform.os == "darwin"
        )
        body = files.block_body(files.decode(files.read(path) or b""), sshkeys.BLOCK)
        if body != wanted:
            state = "are missing from" if body is None else "are out of date in"
            return Outcome("warning", f"the settings for the team's git hosts {state} {ctx.tilde(path)}", FIX_RUN)
        return ok(f"{ctx.tilde(path)} names your key for {', '.join(h.host for h in hosts)}")

    def credentials() -> Outcome:
        helpers = credhelper.configured(ctx)
        if helpers:
            return ok(f"git keeps HTTPS passwords with {helpers[-1]}")
        if credhelper.available(ctx):
            return Outcome("warning", "git asks for your HTTPS password every time (no credential helper set)", FIX_RUN)
        return Outcome(
            "info",
            "git has no password store for HTTPS remotes here; SSH remotes are not affected",
            credhelper.install_hint(ctx.platform),
            credhelper.DOCS,
        )

    def reach(host: GitHost) -> Callable[[], Outcome]:
        def check() -> Outcome:
            if ctx.offline:
                return Outcome("skipped", f"{host.host} not tried (--offline)")
            if found is None:
                return Outcome("skipped", "no SSH key yet (see git.ssh.key)")
            if not sshkeys.host_known(ctx, host.host, host.port):
                return sshaccess.unknown_host_key(ctx, host)
            return sshaccess.describe(ctx, host, found, sshprobe.probe(ctx, host))

        return check

    return [
        Check("git.ssh.key", NAME, key),
        Check("git.ssh.agent", NAME, agent),
        Check("git.ssh.config", NAME, config),
        Check("git.credentials", NAME, with_git(credentials)),
        *(Check(f"git.host.{h.host}", NAME, with_git(reach(h))) for h in hosts),
    ]


def _really_ignored(ctx: Context, sample: str) -> bool:
    """Ask git itself, in a throw-away repository, whether it would ignore sample."""
    tmp = tempfile.mkdtemp(prefix="bootstrap-check-")
    try:
        init = ctx.runner.run(["git", "init", "-q", tmp], timeout=10, env={"GIT_TEMPLATE_DIR": ""})
        if not init.ok:
            return True  # cannot tell; the block check above already passed
        return ctx.runner.run(["git", "-C", tmp, "check-ignore", "-q", sample], timeout=10).ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
