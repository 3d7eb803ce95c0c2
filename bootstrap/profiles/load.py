"""Profiles: find them, merge `extends`, validate with file:line errors, fill in answers."""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from bootstrap.profiles import conditions, yamlpos
from bootstrap.profiles.yamlpos import Loc
from bootstrap.system.errors import UserError, did_you_mean
from bootstrap.system.paths import Paths, builtin_profiles

if typing.TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from bootstrap.profiles.schema import Profile

Origins = dict[Loc, str]  # where each key or list item was written: "file:line"
ANSWER = conditions.ANSWER
TEMPLATE_START = re.compile(r"\{\{|\{%")
YAML_SUFFIXES = (".yaml", ".yml")
DEFAULT_PROFILE = "base"
OWN_KEYS = ("name", "description", "extends", "layer")


# --- finding profiles -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileInfo:
    """A profile that can be chosen, for `profile list` and the first-day question."""

    name: str  # how it is addressed: analyst, acme/data-engineer, or a path
    kind: str  # built-in | user | team | file
    path: Path
    description: str = ""


def _team_files(team_dir: Path) -> list[Path]:
    # dotfiles at a team repository's root (.pre-commit-config.yaml) are tooling, not profiles
    found = [p for p in sorted(team_dir.glob("*")) if p.suffix in YAML_SUFFIXES and not p.name.startswith(".")]
    found += [
        p for p in sorted((team_dir / "profiles").glob("*")) if p.suffix in YAML_SUFFIXES and not p.name.startswith(".")
    ]
    return found


team_files = _team_files


def available(paths: Paths) -> list[ProfileInfo]:
    """Every profile by name: built-in, then user, then team profiles."""
    infos = [ProfileInfo(p.stem, "built-in", p) for p in _yaml_files(builtin_profiles())]
    infos += [ProfileInfo(p.stem, "user", p) for p in _yaml_files(paths.user_profiles)]
    if paths.teams.is_dir():
        for team in sorted(p for p in paths.teams.iterdir() if p.is_dir() and not p.name.startswith(".")):
            infos += [ProfileInfo(f"{team.name}/{p.stem}", "team", p) for p in _team_files(team)]
    return infos


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix in YAML_SUFFIXES) if folder.is_dir() else []


def _head(info: ProfileInfo) -> dict[str, Any]:
    """The profile file's own top-level keys, read cheaply (no extends, no validation)."""
    try:
        data = yamlpos.load(info.path, info.name).data
    except UserError:
        return {}
    return data if isinstance(data, dict) else {}


def describe(info: ProfileInfo) -> str:
    """The description line of a profile, read cheaply; '' when it has none or does not parse."""
    text = _head(info).get("description")
    return text.strip().splitlines()[0] if isinstance(text, str) and text.strip() else ""


def roles(paths: Paths) -> list[ProfileInfo]:
    """What the first run offers to choose: built-in and team profiles, except layers (base)."""
    return [p for p in available(paths) if p.kind in ("built-in", "team") and _head(p).get("layer") is not True]


def looks_like_path(ref: str) -> bool:
    return ref.endswith(YAML_SUFFIXES) or ref.startswith((".", "/", "~"))


def resolve(
    ref: str,
    paths: Paths,
    *,
    near: Optional[Path] = None,
    team: Optional[str] = None,
    team_dir: Optional[Path] = None,
    referrer: Optional[Path] = None,
) -> Path:
    """The file a profile name stands for.

    Order: a path (relative to the profile that names it), a profile of the same team, a
    built-in, a user profile, TEAM/NAME. A team profile never extends itself by its own name:
    `acme/analyst` saying `extends: [analyst]` means the built-in role.
    """
    if looks_like_path(ref):
        candidate = paths.home / ref[2:] if ref.startswith("~/") else Path(ref)
        if not candidate.is_absolute() and near is not None:
            candidate = near / candidate
        return candidate
    if (team or team_dir) and "/" not in ref:
        for path in _team_files(team_dir or paths.teams / str(team)):
            if path.stem == ref and (referrer is None or path.resolve() != referrer.resolve()):
                return path
    if "/" not in ref:
        for folder in (builtin_profiles(), paths.user_profiles):
            for suffix in YAML_SUFFIXES:
                if (folder / f"{ref}{suffix}").is_file():
                    return folder / f"{ref}{suffix}"
    else:
        team_name, _, name = ref.partition("/")
        if not (paths.teams / team_name).is_dir():
            # a team's profiles are only known once added: a near built-in name would mislead
            raise UnknownProfile(
                f"there is no team named '{team_name}' on this computer: add its profiles first with "
                f"`bootstrap profile add SOURCE --name {team_name}` (SOURCE: the team's repository URL, "
                "from its README)"
            )
        for path in _team_files(paths.teams / team_name):
            if path.stem == name:
                return path
    names = [info.name for info in available(paths)]
    siblings = list(_team_files(team_dir or paths.teams / str(team))) if (team or team_dir) else []
    if referrer is not None and any(p.stem == ref and p.resolve() == referrer.resolve() for p in siblings):
        raise UnknownProfile("a profile cannot extend itself; name the role or profile it builds on")
    hint = did_you_mean(ref, [p.stem for p in siblings] + names)
    raise UnknownProfile(
        f"there is no profile named '{ref}' ({hint}known: {', '.join(names)}); see `bootstrap profile list`"
    )


class UnknownProfile(UserError):
    """No profile has this name, or the file a profile path names does not exist."""


def _team_of(path: Path, paths: Paths) -> Optional[str]:
    try:
        return path.resolve().relative_to(paths.teams.resolve()).parts[0]
    except (ValueError, IndexError):
        return None


# --- validation messages --------------------------------------------------------------------


def _describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    if value is None:
        return "nothing"
    return f"'{value}'"


def _unwrap(annotation: Any) -> Any:
    """Optional[X] -> X; Union[str, Model] -> Model; lists and maps stay as they are."""
    from pydantic import BaseModel

    if typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return _unwrap(models[0] if models else args[0])
    return annotation


def _model_at(loc: Loc) -> Optional[type[BaseModel]]:
    """The model that validates the mapping at loc, to list its allowed keys."""
    from pydantic import BaseModel

    from bootstrap.profiles.schema import Profile

    current: Any = Profile
    for key in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or name: f for name, f in current.model_fields.items()}
            if key not in fields:
                return None
            current = fields[key].annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _data_loc(loc: tuple[Any, ...], data: Any) -> Loc:
    """Keep the parts of pydantic's loc that are real keys in data (drops union member names)."""
    found: list[Any] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            continue
        found.append(part)
    return tuple(found)


def _message(error: dict[str, Any], loc: Loc) -> str:
    kind = error["type"]
    value = error.get("input")
    dotted = ".".join(str(p) for p in loc) or "the file"
    secret = loc[:2] == ("components", "secrets") or (
        loc[:2] == ("components", "connections") and bool(loc) and loc[-1] in ("password", "private_key")
    )
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        parent = _model_at(loc[:-1])
        allowed = [f.alias or n for n, f in parent.model_fields.items()] if parent else []
        hint = did_you_mean(str(key), allowed).strip() or f"allowed here: {', '.join(allowed)}"
        where = ".".join(str(p) for p in loc[:-1]) or "the top level"
        return f"unknown key '{key}' under {where} ({hint})"
    if kind == "missing":
        return f"'{error['loc'][-1]}' is required under {dotted}"
    if kind == "string_type":
        if secret:  # never echo what may be the secret itself
            return f"{dotted} should be a reference such as pass://team/item or op://vault/item/field, in quotes"
        quote = " (put it in quotes)" if isinstance(value, (int, float, bool)) else ""
        return f"{dotted} should be text, got {_describe_value(value)}{quote}"
    if kind == "bool_type":
        return f"{dotted} should be true or false, got {_describe_value(value)}"
    if kind in ("int_type", "int_parsing"):
        return f"{dotted} should be a whole number, got {_describe_value(value)}"
    if kind == "list_type":
        return f"{dotted} should be a list (lines starting with '- '), got {_describe_value(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{dotted} should be a map of 'key: value' lines, got {_describe_value(value)}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        got = "" if secret else f", got {_describe_value(value)}"
        return f"{dotted} should be one of {expected}{got}"
    if kind == "string_pattern_mismatch":
        return f"{dotted}: {_describe_value(value)} does not have the expected form ({error['ctx']['pattern']})"
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{dotted}: {message}"


def describe_errors(exc: ValidationError, data: Any, where: Callable[[Loc], str]) -> list[str]:
    """Each validation error as one plain line `file:line: what is wrong`, in file order.

    A union (text or map) fails once per member; the most specific explanation wins: an error
    whose place holds a deeper error is dropped, and one place reports once.
    """
    by_loc: dict[Loc, Any] = {}
    for error in exc.errors(include_url=False):
        loc = _data_loc(tuple(error["loc"]), data)
        # a missing key is reported at its parent's line; keep every missing key apart
        by_loc.setdefault((*loc, f"<{error['loc'][-1]}>") if error["type"] == "missing" else loc, error)
    deepest = [loc for loc in by_loc if not any(o != loc and o[: len(loc)] == loc for o in by_loc)]
    deepest = [loc for loc in deepest if not _explained_by_typo(loc, by_loc)]
    lines = [
        f"{where(_key_named(by_loc[loc], _data_loc(loc, data)))}: {_message(by_loc[loc], _data_loc(loc, data))}"
        for loc in deepest
    ]
    return sorted(lines, key=_line_number) or [f"{where(())}: is not a valid profile"]


def _explained_by_typo(loc: tuple[Any, ...], by_loc: dict[Any, Any]) -> bool:
    """A required key reported missing because it was misspelled: the unknown-key error says it all."""
    error = by_loc[loc]
    if error["type"] != "missing":
        return False
    parent, wanted = loc[:-1], str(error["loc"][-1])
    typos = [o[-1] for o, e in by_loc.items() if e["type"] == "extra_forbidden" and o[:-1] == parent]
    return bool(did_you_mean(wanted, [str(t) for t in typos]))


def _key_named(error: dict[str, Any], loc: Loc) -> Loc:
    """A check of a whole map that names one of its keys first is about that key's line."""
    value = error.get("input")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if error["type"] == "value_error" and isinstance(value, dict):
        for key in value:
            if message.startswith((f"{key} ", f"'{key}' ")):
                return (*loc, key)
    return loc


def _line_number(message: str) -> tuple[str, int]:
    match = re.match(r"(.*?):(\d+):", message)
    return (match.group(1), int(match.group(2))) if match else (message, 0)


# --- merging --------------------------------------------------------------------------------


def _sub(origins: Origins, key: Any) -> Origins:
    return {loc[1:]: where for loc, where in origins.items() if loc[:1] == (key,)}


def _prefixed(origins: Origins, key: Any) -> Origins:
    return {(key, *loc): where for loc, where in origins.items()}


def merge(base: Any, base_org: Origins, over: Any, over_org: Origins, top: bool = False) -> tuple[Any, Origins]:
    """Maps merge deeply, lists append (dropping exact repeats), scalars override.

    Prompts merge by id, so a team can reword a built-in question or give it a default.
    Origins follow every value so that errors found after merging still name file:line.
    """
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        org = {loc: w for loc, w in base_org.items() if not loc or loc[0] not in over}
        org[()] = over_org.get((), base_org.get((), ""))
        for key, value in over.items():
            if top and key == "prompts" and isinstance(value, list) and isinstance(base.get(key), list):
                merged, morg = _merge_prompts(base[key], _sub(base_org, key), value, _sub(over_org, key))
            elif top and key in OWN_KEYS:
                merged, morg = value, _sub(over_org, key)
            elif key in base:
                merged, morg = merge(base[key], _sub(base_org, key), value, _sub(over_org, key))
            else:
                merged, morg = value, _sub(over_org, key)
            out[key] = merged
            org.update(_prefixed(morg, key))
        return out, org
    if isinstance(base, list) and isinstance(over, list):
        out_list = list(base)
        org = dict(base_org)
        org[()] = over_org.get((), base_org.get((), ""))
        for index, item in enumerate(over):
            if not isinstance(item, (dict, list)) and item in out_list:
                continue
            org.update(_prefixed(_sub(over_org, index), len(out_list)))
            out_list.append(item)
        return out_list, org
    return over, over_org


def _merge_prompts(base: list[Any], base_org: Origins, over: list[Any], over_org: Origins) -> tuple[Any, Origins]:
    out = list(base)
    org = dict(base_org)
    ids = {p.get("id"): i for i, p in enumerate(out) if isinstance(p, dict)}
    for index, prompt in enumerate(over):
        pid = prompt.get("id") if isinstance(prompt, dict) else None
        if pid in ids:
            at = ids[pid]
            merged, morg = merge(out[at], _sub(org, at), prompt, _sub(over_org, index))
            org = {loc: w for loc, w in org.items() if loc[:1] != (at,)}
            org.update(_prefixed(morg, at))
            out[at] = merged
        else:
            ids[pid] = len(out)
            org.update(_prefixed(_sub(over_org, index), len(out)))
            out.append(prompt)
    return out, org


# --- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """A profile with its parents merged in, validated, answers not yet filled in."""

    name: str
    path: Path
    chain: tuple[str, ...]  # every file merged, parents first, as shown to the user
    data: dict[str, Any]
    origins: Origins
    model: Profile
    # answer ids that each component's values use: `--only` asks just those questions
    answer_refs: dict[str, frozenset[str]] = field(default_factory=dict)

    def where(self, loc: Loc) -> str:
        while loc and loc not in self.origins:
            loc = loc[:-1]
        return self.origins.get(loc, str(self.chain[-1]))

    @property
    def description(self) -> str:
        return self.model.description or ""


def _validate_file(located: yamlpos.Located) -> None:
    from pydantic import ValidationError

    from bootstrap.profiles.schema import Profile

    if located.data is None:
        raise UserError(f"{located.source}:1: the file is empty; a profile starts with `schema: 1`")
    if not isinstance(located.data, dict):
        raise UserError(
            f"{located.where(())}: a profile is a map of 'key: value' lines, not {_describe_value(located.data)}"
        )
    version = located.data.get("schema", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise UserError(
            f"{located.where(('schema',))}: schema should be the number 1 (no quotes), got {_describe_value(version)}"
        )
    if version != 1:
        raise UserError(
            f"{located.where(('schema',))}: this profile is written for schema {version}, and this "
            "bootstrap reads schema 1; upgrade bootstrap (re-run install.sh) or fix the number"
        )
    try:
        Profile.model_validate(located.data)
    except ValidationError as exc:
        raise ProfileErrors(describe_errors(exc, located.data, located.where)) from None


class ProfileErrors(UserError):
    """Several file:line problems; the first is the one-line message."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0])
        self.lines = lines


def _shown(path: Path, paths: Paths) -> str:
    try:
        inside = path.resolve().relative_to(builtin_profiles().resolve())
        return f"<built-in>/profiles/{inside}"
    except ValueError:
        pass
    text = str(path)
    home = str(paths.home)
    return "~" + text[len(home) :] if text == home or text.startswith(home + "/") else text


def load(ref: str, paths: Paths, *, local_team: Optional[Path] = None) -> Loaded:
    """Load a profile by name or path, with everything it extends.

    local_team: a team repository's checkout (as `profile validate` sees it in the team's CI),
    whose profiles extend each other by name as they will once the team is added.
    """
    path = resolve(ref, paths, near=Path.cwd())
    if not path.exists():
        raise UnknownProfile(f"there is no profile file {_shown(path, paths)}; check the path")
    data, origins, chain = _load_chain(path, paths, (), local_team)
    from pydantic import ValidationError

    from bootstrap.profiles.schema import Profile

    data.pop("extends", None)
    data.setdefault("name", path.stem)
    try:
        model = Profile.model_validate(data)
    except ValidationError as exc:
        located_where = _where_in(origins, chain[-1])
        raise ProfileErrors(describe_errors(exc, data, located_where)) from None
    refs = _answer_refs(data, origins, model, chain[-1])
    return Loaded(ref, path, chain, data, origins, model, refs)


def _where_in(origins: Origins, fallback: str) -> Callable[[Loc], str]:
    def where(loc: Loc) -> str:
        while loc and loc not in origins:
            loc = loc[:-1]
        return origins.get(loc, fallback)

    return where


class _Circle(UserError):
    """Raised where a circle of `extends` closes; reported at the line where it starts."""

    def __init__(self, start: Path, files: list[str]) -> None:
        super().__init__(" -> ".join(files))
        self.start = start


def _load_chain(
    path: Path, paths: Paths, seen: tuple[Path, ...], local_team: Optional[Path] = None
) -> tuple[dict[str, Any], Origins, tuple[str, ...]]:
    shown = _shown(path, paths)
    located = yamlpos.load(path, shown)
    _validate_file(located)
    own_origins = {loc: f"{shown}:{line}" for loc, line in located.lines.items()}
    data: dict[str, Any] = {}
    origins: Origins = {}
    chain: tuple[str, ...] = ()
    team = _team_of(path, paths)
    team_dir = local_team if team is None and local_team is not None and _inside(path, local_team) else None
    for index, parent in enumerate(located.data.get("extends", [])):
        try:
            parent_path = resolve(parent, paths, near=path.parent, team=team, team_dir=team_dir, referrer=path)
        except UserError as exc:
            raise UserError(f"{located.where(('extends', index))}: cannot extend '{parent}': {exc}") from None
        if not parent_path.is_file():
            raise UserError(f"{located.where(('extends', index))}: cannot extend '{parent}': no such file")
        trail = (*seen, path.resolve())
        try:
            if parent_path.resolve() in trail:
                start = trail.index(parent_path.resolve())
                raise _Circle(parent_path.resolve(), [_shown(p, paths) for p in (*trail[start:], parent_path)])
            pdata, porigins, pchain = _load_chain(parent_path, paths, trail, local_team)
        except _Circle as circle:
            if circle.start != path.resolve():
                raise
            raise UserError(
                f"{located.where(('extends', index))}: profiles extend each other in a circle ({circle}); "
                "remove one of these `extends`"
            ) from None
        data, origins = merge(data, origins, pdata, porigins, top=True)
        chain += tuple(c for c in pchain if c not in chain)
    for own in OWN_KEYS:  # a profile's name, description and layer flag are its own, never its parent's
        data.pop(own, None)
        origins = {loc: w for loc, w in origins.items() if loc[:1] != (own,)}
    data, origins = merge(data, origins, located.data, own_origins, top=True)
    return data, origins, (*chain, shown)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _strings(value: Any, loc: Loc = ()) -> list[tuple[Loc, str]]:
    if isinstance(value, str):
        return [(loc, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _strings(v, (*loc, k))]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _strings(v, (*loc, i))]
    return []


def _answer_refs(data: dict[str, Any], origins: Origins, model: Profile, fallback: str) -> dict[str, frozenset[str]]:
    """Which answers each component uses; any other template syntax is an error with file:line."""
    where = _where_in(origins, fallback)
    prompts = {p.id: p for p in model.prompts}
    _prompt_conditions(model, where)
    refs: dict[str, frozenset[str]] = {}
    for component, spec in (data.get("components") or {}).items():
        used: set[str] = set()
        for loc, text in _strings(spec, ("components", component)):
            for answer in ANSWER.findall(text):
                if answer not in prompts:
                    known = ", ".join(prompts) or "none"
                    raise UserError(
                        f"{where(loc)}: '{{{{ answers.{answer} }}}}' names no question of this profile (its questions: {known})"
                    )
                if prompts[answer].type == "password":
                    raise UserError(
                        f"{where(loc)}: the answer to '{answer}' is a password and cannot be written into a setting; use a secret reference"
                    )
                used.add(answer)
            if TEMPLATE_START.search(ANSWER.sub("", text)):
                raise UserError(
                    f"{where(loc)}: only '{{{{ answers.<id> }}}}' can be filled in here; remove the other '{{{{' or '{{%'"
                )
        refs[component] = frozenset(used)
    return refs


def _prompt_conditions(model: Profile, where: Callable[[Loc], str]) -> None:
    """A question's `when:` names only questions asked before it (they are answered by then)."""
    earlier: list[str] = []
    for index, prompt in enumerate(model.prompts):
        if prompt.when is not None:
            loc: Loc = ("prompts", index, "when")
            for answer in ANSWER.findall(prompt.when):
                if answer not in earlier:
                    later = answer in {p.id for p in model.prompts}
                    why = "is asked after this one" if later else "names no question of this profile"
                    known = ", ".join(earlier) or "none"
                    hint = "" if later else did_you_mean(answer, earlier)
                    raise UserError(
                        f"{where(loc)}: '{{{{ answers.{answer} }}}}' {why}; a question's `when` "
                        f"can name only the questions before it ({hint}those are: {known})"
                    )
            if TEMPLATE_START.search(ANSWER.sub("", prompt.when)):
                raise UserError(
                    f"{where(loc)}: only '{{{{ answers.<id> }}}}' can be filled in here; remove the other '{{{{' or '{{%'"
                )
        earlier.append(prompt.id)


def render(loaded: Loaded, answers: dict[str, Any], placeholder: Optional[Callable[[str], str]] = None) -> Profile:
    """The profile with every `{{ answers.id }}` replaced by its answer.

    An unanswered question becomes placeholder(id) (plan shows it), or stays as written
    (doctor then leaves that value out of its comparisons). An answer that does not fit where
    it goes (an AWS account number that is not one) is a UserError naming the answer.
    """
    from pydantic import ValidationError

    from bootstrap.profiles.schema import Profile

    def one(match: re.Match[str]) -> str:
        pid = match.group(1)
        if pid in answers:
            return _as_text(answers[pid])
        return placeholder(pid) if placeholder else match.group(0)

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return ANSWER.sub(one, value)
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    data = dict(loaded.data)
    data["components"] = fill(data.get("components") or {})
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        used: list[str] = []
        for error in exc.errors(include_url=False):
            loc = _key_named(dict(error), _data_loc(tuple(error["loc"]), data))
            used += [pid for _, text in _strings(_at(loaded.data, loc)) for pid in ANSWER.findall(text)]
        lines = describe_errors(exc, data, loaded.where)
        if not used:
            raise ProfileErrors(lines) from None
        named = ", ".join(f"'{pid}'" for pid in dict.fromkeys(used))
        what = lines[0].split(": ", 1)[-1]
        raise UserError(
            f"the answer to {named} does not fit: {what}; answer again (--answers FILE, or in a terminal)"
        ) from None


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        inside = (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        )
        if not inside:
            return None
        data = data[part]
    return data


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
