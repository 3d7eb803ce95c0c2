"""Trust: what a team or a profile file sets that can run a program waits until the user has read it and said yes.

`commands:` are arbitrary shell, and many declarative settings can run programs too (a git
setting such as core.fsmonitor, a shell alias, a file written into the home, software to
install): bootstrap.profiles.covered lists which. They are trusted by content: `bootstrap profile trust
NAME` records a hash of every command and every covered setting of that team (or file), and any
change to them, however small, needs trusting again. Changes to inert settings (an AWS region)
leave the trust in place.

Until then `gate` takes the covered settings of untrusted files out of the profile every
command loads, and each becomes a step that waits on the person's trust; a value is judged by
the file it was written in, so what a team profile inherits from a built-in role needs no trust.

Who needs no trust: the built-in profiles (they ship with bootstrap) and the user's own
profiles folder (the user wrote them). Everything else (a team, a profile file given by path)
does.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bootstrap.profiles import covered, yamlpos
from bootstrap.profiles import load as profiles
from bootstrap.system import files
from bootstrap.system.errors import UserError
from bootstrap.system.paths import Paths, builtin_profiles

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Command
    from bootstrap.system.steps import Step

STORE_SCHEMA = 1


@dataclass(frozen=True)
class Source:
    """A team or a profile file, with its commands and covered settings and the hash that trusting it records."""

    key: str  # the team's name, or the profile file's absolute path
    kind: str  # "team" | "file"
    commands: tuple[tuple[str, dict[str, Any]], ...]  # (file it is written in, the command as written)
    digest: str  # sha256 over every command and covered setting of every file, in file order
    # (file it is written in, how a person reads it, the value as written)
    covered: tuple[tuple[str, str, Any], ...] = ()

    @property
    def asks_trust(self) -> bool:
        """It holds something that waits for the person's trust."""
        return bool(self.commands or self.covered)

    @property
    def fix(self) -> str:
        """The command that reviews and trusts this source."""
        return f"bootstrap profile trust {self.key}"


def command_digest(name: Any, run: Any, unless: Any) -> str:
    """The identity of one command: its exact text, nothing else."""
    text = json.dumps({"name": name, "run": run, "unless": unless}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest_of(command: Mapping[str, Any]) -> str:
    return command_digest(command.get("name"), command.get("run"), command.get("unless"))


def _parts(
    files_: Mapping[str, bytes],
) -> tuple[list[tuple[str, dict[str, Any]]], list[Any], list[tuple[str, str, Any]]]:
    """The commands in each file, what the trust hash is computed over, and the covered settings.

    A file that does not parse is hashed as bytes: nobody can tell what commands it holds, so
    any change to it needs trusting again.
    """
    commands: list[tuple[str, dict[str, Any]]] = []
    hashed: list[Any] = []
    settings: list[tuple[str, str, Any]] = []
    for name in sorted(files_):
        try:
            data = yamlpos.parse(files.decode(files_[name]), name).data
        except (UserError, UnicodeError):
            hashed.append([name, "unparsed", hashlib.sha256(files_[name]).hexdigest()])
            continue
        found = data.get("commands") if isinstance(data, dict) else None
        if found:
            hashed.append([name, found])
            if isinstance(found, list):
                commands += [(name, item) for item in found if isinstance(item, dict)]
        held = [(item, covered.value_at(data, item.loc)) for item in covered.items(data)]
        if held:  # a file without covered settings hashes as before, so its trust stays
            hashed.append([name, "covered", [[list(item.loc), value] for item, value in held]])
            settings += [(name, item.what, value) for item, value in held]
    return commands, hashed, settings


def source_of(key: str, kind: str, files_: Mapping[str, bytes]) -> Source:
    """A source from its files' contents (from disk, or from a commit not checked out yet)."""
    commands, hashed, settings = _parts(files_)
    # surrogateescape: a file that is not UTF-8 still hashes (as its bytes), it does not crash
    text = json.dumps(hashed, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
    return Source(key, kind, tuple(commands), digest, tuple(settings))


def team_contents(team_dir: Path) -> dict[str, bytes]:
    """Each profile file of a team folder, by its path inside the folder."""
    return {str(p.relative_to(team_dir)): p.read_bytes() for p in profiles.team_files(team_dir)}


def team_source(paths: Paths, team: str) -> Source:
    return source_of(team, "team", team_contents(paths.teams / team))


def file_source(path: Path) -> Source:
    path = path.resolve()
    data = path.read_bytes() if path.is_file() else b""
    return source_of(str(path), "file", {path.name: data})


def find(paths: Paths, name: str) -> Source:
    """The source `bootstrap profile trust NAME` means: an added team, or a profile file."""
    if "/" not in name and not profiles.looks_like_path(name) and (paths.teams / name).is_dir():
        return team_source(paths, name)
    candidate = paths.home / name[2:] if name.startswith("~/") else Path(name)
    if candidate.is_file():
        return file_source(candidate)
    teams = sorted(p.name for p in paths.teams.iterdir() if p.is_dir()) if paths.teams.is_dir() else []
    from bootstrap.system.errors import did_you_mean

    hint = did_you_mean(name, teams)
    known = f"added teams: {', '.join(teams)}" if teams else "no team is added yet (`bootstrap profile add URL`)"
    raise UserError(f"'{name}' is neither an added team nor a profile file ({hint}{known})")


# --- the store ------------------------------------------------------------------------------


def _read(path: Path) -> dict[str, Any]:
    raw = files.read(path)
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}  # a damaged store trusts nothing, which is the safe side
    found = data.get("sources") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def _write(path: Path, sources: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"schema": STORE_SCHEMA, "sources": sources}, indent=2, sort_keys=True) + "\n"
    files.atomic_write(path, body.encode("utf-8"), 0o600)


def record(paths: Paths, source: Source, commit: Optional[str] = None) -> None:
    """Trust exactly these commands of this source."""
    sources = _read(paths.trust)
    sources[source.key] = {
        "kind": source.kind,
        "digest": source.digest,
        "commands": sorted({_digest_of(c) for _, c in source.commands}),
        "commit": commit,
        "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    _write(paths.trust, sources)


def forget(paths: Paths, key: str) -> None:
    sources = _read(paths.trust)
    if sources.pop(key, None) is not None:
        _write(paths.trust, sources)


def is_trusted(paths: Paths, source: Source) -> bool:
    """Trusted when the recorded hash is the current one: the same commands, byte for byte."""
    entry = _read(paths.trust).get(source.key)
    return isinstance(entry, dict) and entry.get("digest") == source.digest


# --- the gate -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    command: Command
    digest: str
    trusted: bool
    fix: Optional[str]  # the trust command to run, when one source is known to hold it


def _own_digests(paths: Paths) -> set[str]:
    own: set[str] = set()
    for folder in (builtin_profiles(), paths.user_profiles):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*")):
            if path.suffix in profiles.YAML_SUFFIXES:
                own |= {_digest_of(c) for _, c in source_of("", "file", {path.name: path.read_bytes()}).commands}
    return own


def judge(paths: Paths, commands: list[Command]) -> list[Verdict]:
    """For each command: may it run? Only when it is the user's own, or a trusted source holds it verbatim."""
    if not commands:
        return []
    own = _own_digests(paths)
    holders: dict[str, list[Source]] = {}
    known: list[Source] = []
    if paths.teams.is_dir():
        known += [team_source(paths, p.name) for p in sorted(paths.teams.iterdir()) if p.is_dir()]
    known += [file_source(Path(key)) for key, e in _read(paths.trust).items() if e.get("kind") == "file"]
    for source in known:
        for _, written in source.commands:
            holders.setdefault(_digest_of(written), []).append(source)
    verdicts = []
    for command in commands:
        digest = command_digest(command.name, command.run, command.unless)
        found = holders.get(digest, [])
        trusted = digest in own or any(is_trusted(paths, s) for s in found)
        verdicts.append(Verdict(command, digest, trusted, found[0].fix if found else None))
    return verdicts


# --- the gate for settings ------------------------------------------------------------------


def source_at(paths: Paths, origin: str) -> Optional[Source]:
    """The source a value written at origin ("file:line", as profiles shows it) belongs to;
    None for the user's own (a built-in profile, or one in the user's profiles folder)."""
    shown = origin.rsplit(":", 1)[0] if origin.rsplit(":", 1)[-1].isdigit() else origin
    if shown.startswith("<built-in>/"):
        return None
    path = (paths.home / shown[2:] if shown.startswith("~/") else Path(shown)).resolve()
    for own in (builtin_profiles(), paths.user_profiles):
        if path.is_relative_to(own.resolve()):
            return None
    if path.is_relative_to(paths.teams.resolve()):
        return team_source(paths, path.relative_to(paths.teams.resolve()).parts[0])
    return file_source(path)


def gate(paths: Paths, loaded: profiles.Loaded) -> tuple[profiles.Loaded, list[Step]]:
    """The profile without the covered settings that no trusted file holds, and a step waiting
    on the person's trust for each of them (plan lists them, run leaves them for later)."""
    from dataclasses import replace

    from bootstrap.profiles.schema import Profile
    from bootstrap.system.steps import Step

    sources: dict[str, Optional[Source]] = {}
    held: list[covered.Item] = []
    waiting: list[Step] = []
    for item in covered.items(loaded.data):
        origin = loaded.where(item.loc)
        shown = origin.rsplit(":", 1)[0]
        if shown not in sources:
            sources[shown] = source_at(paths, origin)
        source = sources[shown]
        if source is None or is_trusted(paths, source):
            continue
        held.append(item)
        summary = f"{item.what} (not trusted yet, so not applied)"
        waiting.append(Step(item.component, summary, waits_on="trust", fix=source.fix))
    if not held:
        return loaded, []
    data = covered.without(loaded.data, held)
    return replace(loaded, data=data, model=Profile.model_validate(data)), waiting
