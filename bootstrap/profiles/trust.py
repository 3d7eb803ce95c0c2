"""Trust: what a team or a profile file sets that can run a program waits until the user has read it and said yes.

`commands:` are arbitrary shell, and many declarative settings can run programs too (a git
setting such as core.fsmonitor, a shell alias, a file written into the home, software to
install): bootstrap.profiles.covered lists which. They are trusted by content, item by item: `bootstrap profile trust
NAME` records a hash of each command and of each covered setting of that team (or file): the
value as written, the bytes of the template file a dotfile names, and the defaults of the
questions the value uses. After an update, an unchanged item stays trusted; a changed or new
one waits, however small the change. Changes to inert settings (an AWS region) leave trust
in place.

Until then `gate` takes the untrusted covered settings out of the profile every command loads,
and each becomes a step that waits on the person's trust. A setting whose earlier version was
trusted keeps that version (the store holds the value trusted) until the new one is, so nothing
applied earlier is let go of meanwhile. A value is judged by the file it was written in, so what
a team profile inherits from a built-in role needs no trust.

The store (trust.json, STORE_SCHEMA 2) keeps per source the trusted command hashes and, per
covered setting, its hash and value. A store written before items were kept (schema 1: one hash
over the whole source) still counts: while that hash matches the source, all of it is trusted;
once the source changes, everything in it waits and `profile trust` records it item by item.

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
from bootstrap.profiles.conditions import ANSWER
from bootstrap.system import files
from bootstrap.system.errors import UserError
from bootstrap.system.paths import Paths, builtin_profiles

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Command
    from bootstrap.system.steps import Step

STORE_SCHEMA = 2


@dataclass(frozen=True)
class Setting:
    """One covered setting of a source as written, and the hash that trusting it records."""

    file: str  # the file it is written in (inside the team folder, or the file's own name)
    ident: str  # which setting it is: the same when only its value changes
    what: str  # how a person reads it
    group: str  # the part of the summary it is shown in (covered.GROUPS)
    value: Any
    digest: str  # the value as written, the bytes of a template it names, the question defaults it uses


@dataclass(frozen=True)
class Source:
    """A team or a profile file, with its commands and covered settings and the hashes that trusting it records."""

    key: str  # the team's name, or the profile file's absolute path
    kind: str  # "team" | "file"
    commands: tuple[tuple[str, dict[str, Any]], ...]  # (file it is written in, the command as written)
    digest: str  # sha256 over every command and covered setting of every file (what schema 1 stored)
    settings: tuple[Setting, ...] = ()

    @property
    def covered(self) -> tuple[tuple[str, str, Any], ...]:
        """(file it is written in, how a person reads it, the value as written) of each covered setting."""
        return tuple((s.file, s.what, s.value) for s in self.settings)

    @property
    def asks_trust(self) -> bool:
        """It holds something that waits for the person's trust."""
        return bool(self.commands or self.settings)

    @property
    def fix(self) -> str:
        """The command that reviews and trusts this source."""
        return f"bootstrap profile trust {self.key}"

    def setting(self, ident: str) -> Optional[Setting]:
        return next((s for s in self.settings if s.ident == ident), None)


def command_digest(name: Any, run: Any, unless: Any) -> str:
    """The identity of one command: its exact text, nothing else."""
    text = json.dumps({"name": name, "run": run, "unless": unless}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest_of(command: Mapping[str, Any]) -> str:
    return command_digest(command.get("name"), command.get("run"), command.get("unless"))


def _hash(value: Any) -> str:
    # surrogateescape: a file that is not UTF-8 still hashes (as its bytes), it does not crash
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def ident_of(file: str, item: covered.Item, value: Any) -> str:
    """Which setting an item is, apart from its value: a list entry is known by what it names
    (a dotfile by its target, a package or a folder by itself), anything else by its key."""
    path = [str(p) for p in item.loc if not isinstance(p, int)]
    known: Any = None
    if isinstance(item.loc[-1], int):
        known = value.get("target") if isinstance(value, dict) and item.component == "dotfiles" else value
    return json.dumps([file, path, known], sort_keys=True, default=str)


def _template_bytes(home: Optional[Path], root: Optional[Path], value: Any) -> Optional[str]:
    """The bytes of the template a dotfile names (hex), so that a change to the file needs trust again."""
    name = value.get("template") if isinstance(value, dict) else None
    if not isinstance(name, str):
        return None
    path = template_file(name, home, root)
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def team_root(path: Path) -> Path:
    """The repository a profile file is in: its folder, or the one above `profiles/`."""
    folder = path.resolve().parent
    return folder.parent if folder.name == "profiles" else folder


def template_file(name: str, home: Optional[Path], root: Optional[Path]) -> Optional[Path]:
    """The file a dotfile's template names: a built-in one by its name, a path from the home
    (~/...) or the root (/...), or a path inside the profile's own repository (templates/x)."""
    from bootstrap.system.paths import builtin_dotfiles

    if name.startswith("~/"):
        return home / name[2:] if home is not None else None
    if name.startswith("/"):
        return Path(name)
    if "/" in name:
        return root / name if root is not None else None
    return builtin_dotfiles() / name


def templates(paths: Paths, loaded: profiles.Loaded) -> profiles.Loaded:
    """The profile with each team's dotfile template named by its place in the team's repository.

    A template is code the file it writes may run (a git hook, a shell file), so a team's (or a
    profile file's) template comes from the built-in set or that team's own repository, nowhere
    else: not a private key, not another team's files. A path inside the repository is written
    relative to it (templates/hook); a template named elsewhere is a UserError at its file:line.
    The user's own profiles may name any file."""
    from dataclasses import replace

    entries = (loaded.data.get("components") or {}).get("dotfiles")
    if not isinstance(entries, list):
        return loaded
    data = None
    for index, entry in enumerate(entries):
        name = entry.get("template") if isinstance(entry, dict) else None
        if not isinstance(name, str) or "/" not in name:
            continue
        origin = loaded.where(("components", "dotfiles", index, "template"))
        root = root_of(paths, origin)
        if root is None and not name.startswith(("~/", "/")):
            root = team_root(_origin_path(paths, origin))  # the user's own: relative to its folder
        elif root is None:
            continue
        found = template_file(name, paths.home, root)
        assert found is not None and root is not None
        if not found.resolve().is_relative_to(root.resolve()):
            raise UserError(
                f"{origin}: dotfile template {name} is outside the repository of the profile that names it; "
                f"put the template in the team's repository and name it by its path there (templates/NAME), "
                "or use a built-in template"
            )
        if not name.startswith(("~/", "/")):
            if data is None:
                import copy

                data = copy.deepcopy(loaded.data)
            # named from the home (~/...) where it is in it: plan shows it as the person knows it
            home = paths.home.resolve()
            inside = found.resolve()
            named = f"~/{inside.relative_to(home)}" if inside.is_relative_to(home) else str(inside)
            data["components"]["dotfiles"][index]["template"] = named
    if data is None:
        return loaded
    from bootstrap.profiles.schema import Profile

    return replace(loaded, data=data, model=Profile.model_validate(data))


def _defaults(data: Any) -> dict[str, Any]:
    prompts = data.get("prompts") if isinstance(data, dict) else None
    found: dict[str, Any] = {}
    for prompt in prompts if isinstance(prompts, list) else []:
        if isinstance(prompt, dict) and isinstance(prompt.get("id"), str):
            found[prompt["id"]] = prompt.get("default")
    return found


def _parts(
    files_: Mapping[str, bytes], home: Optional[Path], root: Optional[Path]
) -> tuple[list[tuple[str, dict[str, Any]]], list[Any], list[Setting]]:
    """The commands in each file, what the whole-source hash is computed over, and the covered settings.

    A file that does not parse is hashed as bytes: nobody can tell what commands it holds, so
    any change to it needs trusting again.
    """
    commands: list[tuple[str, dict[str, Any]]] = []
    hashed: list[Any] = []
    settings: list[Setting] = []
    parsed: dict[str, Any] = {}
    for name in sorted(files_):
        try:
            parsed[name] = yamlpos.parse(files.decode(files_[name]), name).data
        except (UserError, UnicodeError):
            hashed.append([name, "unparsed", hashlib.sha256(files_[name]).hexdigest()])
    # a value may use a question asked in another file of the source: its default counts too
    defaults: dict[str, Any] = {}
    for data in parsed.values():
        defaults.update(_defaults(data))
    for name, data in parsed.items():
        found = data.get("commands") if isinstance(data, dict) else None
        if found:
            hashed.append([name, found])
            if isinstance(found, list):
                commands += [(name, item) for item in found if isinstance(item, dict)]
        held = [(item, covered.value_at(data, item.loc)) for item in covered.items(data)]
        if held:  # a file without covered settings hashes as before, so its trust stays
            hashed.append([name, "covered", [[list(item.loc), value] for item, value in held]])
        for item, value in held:
            ident = ident_of(name, item, value)
            used = sorted(set(ANSWER.findall(json.dumps(value, default=str))))
            extra = [_template_bytes(home, root, value), [[pid, defaults.get(pid)] for pid in used]]
            settings.append(Setting(name, ident, item.what, covered.group(item), value, _hash([ident, value, extra])))
    return commands, hashed, settings


def source_of(
    key: str, kind: str, files_: Mapping[str, bytes], home: Optional[Path] = None, root: Optional[Path] = None
) -> Source:
    """A source from its files' contents (from disk, or from a commit not checked out yet).
    home, root: where templates named ~/... and templates/... are read from (None: hashed by their name only)."""
    commands, hashed, settings = _parts(files_, home, root)
    return Source(key, kind, tuple(commands), _hash(hashed), tuple(settings))


def team_contents(team_dir: Path) -> dict[str, bytes]:
    """Each profile file of a team folder, by its path inside the folder."""
    return {str(p.relative_to(team_dir)): p.read_bytes() for p in profiles.team_files(team_dir)}


def team_source(paths: Paths, team: str) -> Source:
    return source_of(team, "team", team_contents(paths.teams / team), paths.home, paths.teams / team)


def file_source(path: Path, home: Optional[Path] = None) -> Source:
    path = path.resolve()
    data = path.read_bytes() if path.is_file() else b""
    return source_of(str(path), "file", {path.name: data}, home, team_root(path))


def find(paths: Paths, name: str) -> Source:
    """The source `bootstrap profile trust NAME` means: an added team, or a profile file."""
    if "/" not in name and not profiles.looks_like_path(name) and (paths.teams / name).is_dir():
        return team_source(paths, name)
    candidate = paths.home / name[2:] if name.startswith("~/") else Path(name)
    if candidate.is_file():
        return file_source(candidate, paths.home)
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
    """Trust exactly these commands and settings of this source, each by its own hash."""
    sources = _read(paths.trust)
    sources[source.key] = {
        "kind": source.kind,
        "digest": source.digest,
        "commands": sorted({_digest_of(c) for _, c in source.commands}),
        # the value too: while a changed version waits, the trusted one stays applied
        "items": {s.ident: {"digest": s.digest, "value": s.value} for s in source.settings},
        "commit": commit,
        "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    _write(paths.trust, sources)


def forget(paths: Paths, key: str) -> None:
    sources = _read(paths.trust)
    if sources.pop(key, None) is not None:
        _write(paths.trust, sources)


TRUSTED, CHANGED, NEW = "trusted", "changed", "new"


def _entry(stored: Mapping[str, Any], source: Source) -> dict[str, Any]:
    entry = stored.get(source.key)
    return entry if isinstance(entry, dict) else {}


def _per_item(entry: Mapping[str, Any]) -> bool:
    return isinstance(entry.get("items"), dict)


def _whole_matches(entry: Mapping[str, Any], source: Source) -> bool:
    """A store of schema 1 trusted a whole source by one hash: it holds while nothing covered changed."""
    return not _per_item(entry) and bool(entry) and entry.get("digest") == source.digest


def setting_state(entry: Mapping[str, Any], source: Source, setting: Setting) -> str:
    """TRUSTED, CHANGED (an earlier version was trusted) or NEW."""
    if _whole_matches(entry, source):
        return TRUSTED
    items = entry.get("items") if _per_item(entry) else {}
    known = items.get(setting.ident) if isinstance(items, dict) else None
    if not isinstance(known, dict):
        return NEW
    return TRUSTED if known.get("digest") == setting.digest else CHANGED


def command_state(entry: Mapping[str, Any], source: Source, command: Mapping[str, Any]) -> str:
    if _whole_matches(entry, source):
        return TRUSTED
    trusted = entry.get("commands") if _per_item(entry) else None
    return TRUSTED if isinstance(trusted, list) and _digest_of(command) in trusted else NEW


@dataclass(frozen=True)
class Review:
    """What `profile trust` shows: each command and setting, and whether it is trusted already."""

    commands: tuple[tuple[str, dict[str, Any], str], ...]  # (file, command, state)
    settings: tuple[tuple[Setting, str], ...]  # (setting, state)

    @property
    def pending(self) -> int:
        return sum(1 for *_, state in self.commands if state != TRUSTED) + sum(
            1 for _, state in self.settings if state != TRUSTED
        )


def review(paths: Paths, source: Source) -> Review:
    entry = _entry(_read(paths.trust), source)
    return Review(
        tuple((where, c, command_state(entry, source, c)) for where, c in source.commands),
        tuple((s, setting_state(entry, source, s)) for s in source.settings),
    )


def is_trusted(paths: Paths, source: Source) -> bool:
    """Trusted when every command and covered setting is, exactly as it is now."""
    return review(paths, source).pending == 0


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
    known += [file_source(Path(key), paths.home) for key, e in _read(paths.trust).items() if e.get("kind") == "file"]
    stored = _read(paths.trust)
    trusted_digests: set[str] = set()
    for source in known:
        entry = _entry(stored, source)
        for _, written in source.commands:
            holders.setdefault(_digest_of(written), []).append(source)
            if command_state(entry, source, written) == TRUSTED:
                trusted_digests.add(_digest_of(written))
    verdicts = []
    for command in commands:
        digest = command_digest(command.name, command.run, command.unless)
        found = holders.get(digest, [])
        verdicts.append(
            Verdict(command, digest, digest in own or digest in trusted_digests, found[0].fix if found else None)
        )
    return verdicts


# --- the gate for settings ------------------------------------------------------------------


def _origin_path(paths: Paths, origin: str) -> Path:
    shown = origin.rsplit(":", 1)[0] if origin.rsplit(":", 1)[-1].isdigit() else origin
    return (paths.home / shown[2:] if shown.startswith("~/") else Path(shown)).resolve()


def root_of(paths: Paths, origin: str) -> Optional[Path]:
    """The repository a value written at origin comes from (a team's folder, or the folder of a
    profile file given by path); None for the user's own profiles and the built-in ones."""
    if origin.startswith("<built-in>/"):
        return None
    path = _origin_path(paths, origin)
    for own in (builtin_profiles(), paths.user_profiles):
        if path.is_relative_to(own.resolve()):
            return None
    teams = paths.teams.resolve()
    if path.is_relative_to(teams):
        return teams / path.relative_to(teams).parts[0]
    return team_root(path)


def source_at(paths: Paths, origin: str) -> Optional[tuple[Source, str]]:
    """The source a value written at origin ("file:line", as profiles shows it) belongs to, and
    the file's name inside it; None for the user's own (a built-in profile, or one in the user's
    profiles folder)."""
    shown = origin.rsplit(":", 1)[0] if origin.rsplit(":", 1)[-1].isdigit() else origin
    if shown.startswith("<built-in>/"):
        return None
    path = (paths.home / shown[2:] if shown.startswith("~/") else Path(shown)).resolve()
    for own in (builtin_profiles(), paths.user_profiles):
        if path.is_relative_to(own.resolve()):
            return None
    teams = paths.teams.resolve()
    if path.is_relative_to(teams):
        inside = path.relative_to(teams)
        return team_source(paths, inside.parts[0]), str(Path(*inside.parts[1:]))
    return file_source(path, paths.home), path.name


def gate(paths: Paths, loaded: profiles.Loaded) -> tuple[profiles.Loaded, list[Step]]:
    """The profile every command works from: each covered setting that no trusted file holds
    is taken out, or, when an earlier version of it was trusted, set back to that version; a
    step waiting on the person's trust stands for each (plan lists them, run leaves them for later).

    Every command that loads a profile (run, plan, doctor, the shims, secrets exec, ...) goes
    through here, by way of engine.runs.prepare."""
    import copy
    from dataclasses import replace

    from bootstrap.profiles.schema import Profile
    from bootstrap.system.steps import Step

    stored = _read(paths.trust)
    sources: dict[str, Optional[tuple[Source, str]]] = {}
    held: list[covered.Item] = []
    kept: list[tuple[covered.Item, Any]] = []
    waiting: list[Step] = []
    for item in covered.items(loaded.data):
        origin = loaded.where(item.loc)
        shown = origin.rsplit(":", 1)[0]
        if shown not in sources:
            sources[shown] = source_at(paths, origin)
        found = sources[shown]
        if found is None:
            continue
        source, file = found
        entry = _entry(stored, source)
        setting = source.setting(ident_of(file, item, covered.value_at(loaded.data, item.loc)))
        state = setting_state(entry, source, setting) if setting else NEW
        if state == TRUSTED:
            continue
        earlier = entry.get("items", {}).get(setting.ident) if setting and _per_item(entry) else None
        if state == CHANGED and isinstance(earlier, dict) and not isinstance(item.loc[-1], int):
            # the version trusted earlier stays, so nothing applied from it is let go of
            kept.append((item, earlier.get("value")))
            summary = f"{item.what} changed (the new value is not trusted yet, so the trusted one stays)"
        else:
            held.append(item)
            summary = f"{item.what} (not trusted yet, so not applied)"
        waiting.append(Step(item.component, summary, waits_on="trust", fix=source.fix))
    if not waiting:
        return loaded, []
    data = covered.without(loaded.data, held)
    if kept:
        data = copy.deepcopy(data)
        for item, value in kept:
            parent = covered.value_at(data, item.loc[:-1])
            if isinstance(parent, dict):
                parent[item.loc[-1]] = value
    return replace(loaded, data=data, model=Profile.model_validate(data)), waiting


def waiting_sources(paths: Paths, loaded: profiles.Loaded) -> list[Source]:
    """The teams and files of a profile's chain that hold something not trusted yet."""
    found: dict[str, Source] = {}
    for shown in loaded.chain:
        held = source_at(paths, str(shown))
        if held is not None and held[0].key not in found and not is_trusted(paths, held[0]):
            found[held[0].key] = held[0]
    return list(found.values())
