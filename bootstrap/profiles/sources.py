"""Team sources: profiles from a git repository (pinned to a commit) or a single profile file.

A git source is cloned into `<data dir>/teams/TEAM` with the pinned commit checked out (git
does the transport: https, ssh, file:// and local paths); nothing in it is executed. A file
source (an https URL or a local file) is copied there, pinned to its content hash. `update`
fetches, shows the profiles' differences, and moves the pin only when told to.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bootstrap.profiles import load as profiles
from bootstrap.profiles import trust
from bootstrap.system import files
from bootstrap.system.errors import Failure, UserError, did_you_mean
from bootstrap.system.proc import Result

if TYPE_CHECKING:
    from bootstrap.system.context import Context
    from bootstrap.system.paths import Paths

TEAM_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
GIT_URL = re.compile(r"^(https?|ssh|git|file)://|^[\w.-]+@[\w.-]+:")
SHA = re.compile(r"^[0-9a-f]{7,40}$")
GIT_TIMEOUT = 600.0
DOWNLOAD_LIMIT = 1_000_000  # one profile file; anything bigger is not one


@dataclass(frozen=True)
class TeamSource:
    """Where a team's profiles come from, and what they are pinned to."""

    name: str
    url: str
    kind: str  # "git" | "file"
    pin: str  # the commit, or the sha256 of the file
    ref: Optional[str] = None
    added_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "kind": self.kind, "pin": self.pin, "ref": self.ref, "added_at": self.added_at}


def read_all(paths: Paths) -> dict[str, TeamSource]:
    raw = files.read(paths.team_sources)
    if raw is None:
        return {}
    try:
        data = json.loads(raw).get("teams", {})
        return {
            name: TeamSource(name, e["url"], e["kind"], e["pin"], e.get("ref"), e.get("added_at", ""))
            for name, e in data.items()
        }
    except (ValueError, KeyError, AttributeError, TypeError):
        shown = str(paths.team_sources).replace(str(paths.home), "~", 1)
        raise UserError(
            f"{shown} is damaged; move it away and add your teams again with `bootstrap profile add`"
        ) from None


def _save(paths: Paths, sources: dict[str, TeamSource]) -> None:
    paths.team_sources.parent.mkdir(parents=True, exist_ok=True)
    body = {"schema": 1, "teams": {n: s.to_json() for n, s in sorted(sources.items())}}
    files.atomic_write(paths.team_sources, (json.dumps(body, indent=2) + "\n").encode("utf-8"), 0o644)


def get(paths: Paths, name: str) -> TeamSource:
    sources = read_all(paths)
    if name not in sources:
        hint = did_you_mean(name, sources)
        known = f"added: {', '.join(sorted(sources))}" if sources else "no team is added yet"
        raise UserError(f"there is no team named '{name}' ({hint}{known}); see `bootstrap profile list`")
    return sources[name]


# --- what a source is -----------------------------------------------------------------------


def kind_of(source: str) -> str:
    """ "git" or "file", from the text alone (a local folder must be a git repository)."""
    lowered = source.lower().split("?")[0]
    if lowered.endswith(profiles.YAML_SUFFIXES):
        return "file"
    if GIT_URL.match(source):
        return "git"
    path = Path(source).expanduser()
    if path.is_dir():
        return "git"
    raise UserError(
        f"'{source}' is not a git URL (https://, ssh://, git@host:path, file://), a folder, or a .yaml profile file; check it"
    )


def default_name(source: str) -> str:
    last = re.split(r"[/:]", source.rstrip("/").split("?")[0])[-1]
    last = re.sub(r"\.(git|ya?ml)$", "", last, flags=re.IGNORECASE)
    name = re.sub(r"[^a-z0-9._-]+", "-", last.lower()).strip("-.")
    return name or "team"


def check_name(name: str) -> str:
    if not TEAM_NAME.match(name):
        raise UserError(
            f"'{name}' cannot be a team name: use lower-case letters, digits, '-', '_' or '.', starting with a letter or digit (--name)"
        )
    return name


# --- git ------------------------------------------------------------------------------------


def _git(ctx: Context, *args: str, cwd: Optional[Path] = None, check: bool = True) -> Result:
    # Never ask for a password on a pipe; never let a repository's symlinks point out of it.
    env = {} if ctx.interactive else {"GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": "ssh -o BatchMode=yes"}
    result = ctx.runner.run(
        ["git", "-c", "core.symlinks=false", *args], env=env, cwd=cwd, timeout=GIT_TIMEOUT, prompts=ctx.interactive
    )
    if check and not result.ok:
        raise Failure(ctx.tilde(result.explain()))
    return result


def _resolve(ctx: Context, repo: Path, ref: Optional[str]) -> str:
    """Fetch REF (a branch, a tag, a commit; default: the remote's default branch) and name its commit."""
    fetched = _git(ctx, "fetch", "--quiet", "--tags", "--force", "origin", ref or "HEAD", cwd=repo, check=False)
    if fetched.ok:
        return _git(ctx, "rev-parse", "--verify", "FETCH_HEAD^{commit}", cwd=repo).stdout.strip()
    if ref and SHA.match(ref):
        found = _git(ctx, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=repo, check=False)
        if found.ok:
            return found.stdout.strip()
    if ref:
        raise UserError(
            f"the repository has no branch, tag or commit '{ref}' ({ctx.tilde(fetched.explain())}); check --ref"
        )
    raise Failure(ctx.tilde(fetched.explain()))


def _git_files(ctx: Context, repo: Path, commit: str) -> dict[str, bytes]:
    """The profile files of a commit, as a team folder would hold them."""
    names = [n for n in _git(ctx, "ls-tree", "-z", "--name-only", commit, cwd=repo).stdout.split("\0") if n]
    sub = _git(ctx, "ls-tree", "-z", "--name-only", commit, "profiles/", cwd=repo, check=False)
    names += [n for n in sub.stdout.split("\0") if n] if sub.ok else []
    found = {}
    for name in names:
        if name.endswith(profiles.YAML_SUFFIXES) and not Path(name).name.startswith("."):
            shown = _git(ctx, "cat-file", "blob", f"{commit}:{name}", cwd=repo, check=False)
            if shown.ok:
                found[name] = shown.stdout.encode("utf-8")
    return found


# --- fetching -------------------------------------------------------------------------------


@dataclass
class Fetched:
    """A source fetched into a staging folder next to the teams folder, not in place yet."""

    name: str
    url: str
    kind: str
    ref: Optional[str]
    pin: str
    staging: Path  # the folder that becomes <teams>/NAME
    contents: dict[str, bytes] = field(default_factory=dict)  # profile files by path inside it

    @property
    def trust_source(self) -> trust.Source:
        return trust.source_of(self.name, "team", self.contents)

    def discard(self) -> None:
        shutil.rmtree(self.staging.parent, ignore_errors=True)


def _staging(paths: Paths) -> Path:
    paths.data.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".incoming-", dir=paths.data)) / "team"


def _download(ctx: Context, url: str) -> bytes:
    if "://" not in url:
        path = Path(url).expanduser()
        if not path.is_file():
            raise UserError(f"there is no profile file {ctx.tilde(path)}; check the path")
        return path.read_bytes()
    if not url.startswith(("https://", "http://", "file://")):
        raise UserError(f"'{url}': a profile file is fetched over https://, http:// or file://")
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - scheme checked above
            data: bytes = response.read(DOWNLOAD_LIMIT + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise Failure(f"could not download {url} ({exc}); check the URL and your network") from None
    if len(data) > DOWNLOAD_LIMIT:
        raise Failure(f"{url} is larger than a profile file can be ({DOWNLOAD_LIMIT} bytes); check the URL")
    return data


def _file_name(url: str) -> str:
    last = url.rstrip("/").split("?")[0].split("/")[-1]
    return last if last.endswith(profiles.YAML_SUFFIXES) and not last.startswith(".") else "profile.yaml"


def fetch_new(ctx: Context, source: str, name: Optional[str], ref: Optional[str]) -> Fetched:
    """Fetch a source to add it; nothing is in place (or trusted, or run) yet."""
    kind = kind_of(source)
    team = check_name(name or default_name(source))
    existing = read_all(ctx.paths)
    if team in existing or (ctx.paths.teams / team).exists():
        where = existing[team].url if team in existing else ctx.tilde(ctx.paths.teams / team)
        raise UserError(
            f"a team named '{team}' is already added (from {where}); update it with `bootstrap profile update {team}`, "
            f"remove it with `bootstrap profile remove {team}`, or pick another name with --name"
        )
    url = source
    if "://" not in source and not re.match(r"^[\w.-]+@[\w.-]+:", source):
        url = str(Path(source).expanduser().resolve())
    staging = _staging(ctx.paths)
    try:
        if kind == "file":
            if ref:
                raise UserError("--ref is for git repositories; a profile file has no branches or tags")
            data = _download(ctx, url)
            staging.mkdir()
            (staging / _file_name(url)).write_bytes(data)
            contents = {_file_name(url): data}
            pin = hashlib.sha256(data).hexdigest()
        else:
            _git(ctx, "clone", "--quiet", "--no-checkout", "--", url, str(staging))
            pin = _resolve(ctx, staging, ref)
            _git(ctx, "checkout", "--quiet", "--detach", pin, cwd=staging)
            contents = trust.team_contents(staging)
        if not contents:
            raise UserError(
                f"{source} holds no profiles: a team keeps them as *.yaml files at its root or under profiles/"
            )
        return Fetched(team, url, kind, ref, pin, staging, contents)
    except BaseException:
        shutil.rmtree(staging.parent, ignore_errors=True)
        raise


def install(ctx: Context, fetched: Fetched) -> TeamSource:
    """Put a fetched source in place and pin it. Trust given earlier to a same-named team is dropped."""
    ctx.paths.teams.mkdir(parents=True, exist_ok=True)
    target = ctx.paths.teams / fetched.name
    fetched.staging.rename(target)
    fetched.discard()
    trust.forget(ctx.paths, fetched.name)
    added = TeamSource(
        fetched.name,
        fetched.url,
        fetched.kind,
        fetched.pin,
        fetched.ref,
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    sources = read_all(ctx.paths)
    sources[fetched.name] = added
    _save(ctx.paths, sources)
    return added


# --- updating -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileDiff:
    path: str  # inside the team folder
    profile: str  # TEAM/NAME
    status: str  # "added" | "removed" | "changed"
    sections: tuple[str, ...]  # top-level parts that differ: description, components.git, commands...
    diff: str


@dataclass
class Update:
    """What `profile update` found: the differences, and whether trust is needed again."""

    source: TeamSource
    new_pin: str
    diffs: list[FileDiff]
    old_trust: trust.Source
    new_trust: trust.Source
    contents: dict[str, bytes]
    was_trusted: bool
    review: Optional[trust.Review] = None  # the new version's items against what is trusted now

    @property
    def changed(self) -> bool:
        return self.new_pin != self.source.pin

    @property
    def commands_changed(self) -> bool:
        return self.old_trust.digest != self.new_trust.digest

    @property
    def needs_trust(self) -> bool:
        """After moving the pin, the team's commands will not run until trusted again."""
        return self.new_trust.asks_trust and (self.commands_changed or not self.was_trusted)


def _sections(before: Optional[bytes], after: Optional[bytes]) -> tuple[str, ...]:
    import yaml

    def load(data: Optional[bytes]) -> dict[str, Any]:
        try:
            found = yaml.safe_load(data) if data else {}
        except yaml.YAMLError:
            return {"(does not parse)": True}
        return found if isinstance(found, dict) else {"(not a profile)": True}

    old, new = load(before), load(after)
    out = []
    for key in dict.fromkeys([*old, *new]):
        if key == "components" and isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            for part in dict.fromkeys([*old[key], *new[key]]):
                if old[key].get(part) != new[key].get(part):
                    out.append(f"components.{part}")
        elif old.get(key) != new.get(key):
            out.append(str(key))
    return tuple(out)


def diff_contents(team: str, before: dict[str, bytes], after: dict[str, bytes]) -> list[FileDiff]:
    out = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        status = "added" if old is None else "removed" if new is None else "changed"
        out.append(
            FileDiff(
                path,
                f"{team}/{Path(path).stem}",
                status,
                _sections(old, new),
                files.unified_diff(path, old, new),
            )
        )
    return out


def fetch_update(ctx: Context, name: str) -> Update:
    """Fetch what the source holds now; the pin does not move."""
    source = get(ctx.paths, name)
    folder = ctx.paths.teams / name
    if not folder.is_dir():
        raise UserError(
            f"the files of team '{name}' are missing from {ctx.tilde(folder)}; "
            f"run `bootstrap profile remove {name}`, then add it again"
        )
    before = trust.team_contents(folder)
    was_trusted = trust.is_trusted(ctx.paths, trust.source_of(name, "team", before, ctx.paths.home))
    if source.kind == "file":
        data = _download(ctx, source.url)
        after = {_file_name(source.url): data}
        pin = hashlib.sha256(data).hexdigest()
        before = {k: v for k, v in before.items() if k == _file_name(source.url)}
    else:
        pin = _resolve(ctx, folder, source.ref)
        before = _git_files(ctx, folder, source.pin) if source.pin != pin else before
        after = _git_files(ctx, folder, pin) if source.pin != pin else before
    new = trust.source_of(name, "team", after, ctx.paths.home)
    return Update(
        source,
        pin,
        diff_contents(name, before, after),
        trust.source_of(name, "team", before, ctx.paths.home),
        new,
        after,
        was_trusted,
        trust.review(ctx.paths, new),
    )


def apply_update(ctx: Context, update: Update) -> TeamSource:
    """Move the pin. Trust stays only when the commands are exactly those trusted before."""
    name = update.source.name
    folder = ctx.paths.teams / name
    if update.source.kind == "file":
        ((file_name, data),) = update.contents.items()
        files.atomic_write(folder / file_name, data, 0o644)
    else:
        _git(ctx, "checkout", "--quiet", "--force", "--detach", update.new_pin, cwd=folder)
    moved = TeamSource(
        name, update.source.url, update.source.kind, update.new_pin, update.source.ref, update.source.added_at
    )
    sources = read_all(ctx.paths)
    sources[name] = moved
    _save(ctx.paths, sources)
    return moved


def remove(ctx: Context, name: str) -> Path:
    """Delete a team's folder, its pin and its trust. Returns the folder that was removed."""
    sources = read_all(ctx.paths)
    folder = ctx.paths.teams / check_name(name)
    if name not in sources and not folder.exists():
        get(ctx.paths, name)  # raises with the known names
    shutil.rmtree(folder, ignore_errors=True)
    sources.pop(name, None)
    _save(ctx.paths, sources)
    trust.forget(ctx.paths, name)
    return folder
