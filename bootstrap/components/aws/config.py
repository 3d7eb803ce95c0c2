"""~/.aws/config as the AWS CLI reads it, edited without losing a byte of the user's own.

The file is split into spans (the text before the first section, then each section from its
header to the next), whose concatenation is the file exactly. A section we write carries a
marker line; on the next run we own exactly the marked sections: we rewrite them in place,
remove those the team deleted, and append new ones. Every other byte stays as it was.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Optional

from bootstrap.profiles.schema import Aws, AwsProfile, SsoSession

MARKER = "# managed by bootstrap from your team's profile: edit the profile, not this section"
_HEADER = re.compile(r"^\[(?P<name>[^\]]*)\][ \t]*(?:[#;].*)?$")
_ENTRY = re.compile(r"^(?P<key>[^=\s\[#;][^=]*?)\s*=\s*(?P<value>.*)$")

# Profile keys in the order people expect to read them.
_PROFILE_KEYS = (
    ("sso_session", "sso_session"),
    ("account_id", "sso_account_id"),
    ("role_name", "sso_role_name"),
    ("role_arn", "role_arn"),
    ("source_profile", "source_profile"),
    ("credential_source", "credential_source"),
    ("mfa_serial", "mfa_serial"),
    ("duration_seconds", "duration_seconds"),
    ("external_id", "external_id"),
    ("role_session_name", "role_session_name"),
    ("region", "region"),
    ("output", "output"),
)
_SESSION_KEYS = (
    ("start_url", "sso_start_url"),
    ("region", "sso_region"),
    ("registration_scopes", "sso_registration_scopes"),
)


@dataclass(frozen=True)
class Section:
    """One `[...]` section: where it is in the text and what it says."""

    kind: str  # "profile" | "sso-session" | "services" | "other"
    name: str  # the profile or session name ("default" for [default])
    header: str  # the header as written, without line ending
    start: int  # character offset of the header
    end: int  # offset after the last line of the section (the next header, or the end)
    line: int  # 1-based line of the header
    values: dict[str, str] = field(default_factory=dict)  # key (lower case) -> value
    owned: bool = False  # carries our marker
    repeated: tuple[str, ...] = ()  # keys set twice: the AWS CLI then cannot read the file at all

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    @property
    def exact(self) -> str:
        """The header as the CLI's parser compares them: `[profile a]` twice is an error, while
        `[default]` and `[profile default]` are two sections for the same profile."""
        match = _HEADER.match(self.header)
        return match.group("name") if match else self.header


@dataclass(frozen=True)
class ConfigFile:
    text: str
    sections: list[Section]

    @property
    def profiles(self) -> dict[str, Section]:
        """Each profile by name; the last one wins for values, as in botocore."""
        return {s.name: s for s in self.sections if s.kind == "profile"}

    @property
    def sessions(self) -> dict[str, Section]:
        return {s.name: s for s in self.sections if s.kind == "sso-session"}


def classify(header_name: str, credentials: bool = False) -> tuple[str, str]:
    """(kind, name) of a section header's text, as botocore reads it: a prefix, then the name
    split the way a shell would, so `[profile "my name"]` is profile `my name` (the AWS CLI
    itself writes names with spaces that way); anything else is not a profile at all."""
    if credentials:
        return ("profile", header_name.strip())
    if header_name == "default":
        return ("profile", "default")
    for kind in ("profile", "sso-session", "services"):
        if header_name.startswith(kind):
            try:
                parts = shlex.split(header_name)
            except ValueError:  # an unclosed quote: botocore skips the section
                break
            if len(parts) == 2:
                return (kind, parts[1])
            break
    return ("other", header_name.strip())


def parse(text: str, credentials: bool = False) -> ConfigFile:
    """The sections of an AWS config (or credentials) file. Never fails: odd lines are kept as they are."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line.rstrip("\r\n"))]
    sections = []
    for n, index in enumerate(headers):
        stop = headers[n + 1] if n + 1 < len(headers) else len(lines)
        header = lines[index].rstrip("\r\n")
        match = _HEADER.match(header)
        assert match is not None
        kind, name = classify(match.group("name"), credentials)
        values: dict[str, str] = {}
        repeated: list[str] = []
        owned = False
        for body in lines[index + 1 : stop]:
            stripped = body.rstrip("\r\n")
            if stripped.strip() == MARKER:
                owned = True
            if stripped[:1] in (" ", "\t"):
                continue  # a nested value (s3 = ...), not a setting of its own
            entry = _ENTRY.match(stripped)
            if entry:
                key = entry.group("key").strip().lower()
                if key in values:
                    repeated.append(key)
                values[key] = entry.group("value").strip()
        sections.append(
            Section(kind, name, header, offsets[index], offsets[stop], index + 1, values, owned, tuple(repeated))
        )
    return ConfigFile(text, sections)


def profile_lines(profile: AwsProfile) -> list[str]:
    data = profile.model_dump()
    return [f"{key} = {data[attr]}" for attr, key in _PROFILE_KEYS if data.get(attr) is not None]


def session_lines(session: SsoSession) -> list[str]:
    data = session.model_dump()
    return [f"{key} = {data[attr]}" for attr, key in _SESSION_KEYS if data.get(attr) is not None]


def spec_settings(spec: Aws) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """A team profile's AWS profiles and sessions as the config file will hold them, for
    awsgraph.lint before anything is written (`profile validate` can use it as it is)."""

    def values(lines: list[str]) -> dict[str, str]:
        return {k: v for k, _, v in (line.partition(" = ") for line in lines)}

    profiles = {name: values(profile_lines(p)) for name, p in spec.profiles.items()}
    sessions = {name: values(session_lines(s)) for name, s in spec.sso_sessions.items()}
    return profiles, sessions


def wanted_sections(spec: Aws, config: Optional[ConfigFile] = None) -> dict[tuple[str, str], list[str]]:
    """Every section the team's profile asks for: (kind, name) -> its lines, header first.

    `default_profile` is copied into [default] (what `aws` uses without --profile), but never
    over a [default] of the user's own in config: that one stays, and doctor says so."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for name, session in spec.sso_sessions.items():
        wanted[("sso-session", name)] = [f"[sso-session {name}]", MARKER, *session_lines(session)]
    for name, profile in spec.profiles.items():
        header = "[default]" if name == "default" else f"[profile {name}]"
        wanted[("profile", name)] = [header, MARKER, *profile_lines(profile)]
    for name in spec.process_profiles:
        if name in spec.profiles:
            wanted[("profile", companion(name))] = [f"[profile {companion(name)}]", MARKER, *process_lines(spec, name)]
    if spec.default_profile in spec.profiles and not users_default(config):
        lines = profile_lines(spec.profiles[spec.default_profile])
        wanted[("profile", "default")] = [
            "[default]",
            MARKER,
            f"# the same as [profile {spec.default_profile}]",
            *lines,
        ]
    return wanted


def companion(name: str) -> str:
    """The profile that gives `name`'s short-lived keys to tools that cannot sign in themselves."""
    return f"{name}-process"


def process_lines(spec: Aws, name: str) -> list[str]:
    """A companion's settings: bootstrap resolves `name` (SSO, role chain) and prints the keys
    in the credential_process format; the region is `name`'s, or the first one up its chain."""
    from bootstrap.system import paths

    command = shlex.join([*paths.bootstrap_command(), "aws", "credentials", "--profile", name])
    region = chain_region(spec_settings(spec)[0], name)
    return [f"credential_process = {command}", *([f"region = {region}"] if region else [])]


def chain_region(profiles: dict[str, dict[str, str]], name: str) -> Optional[str]:
    """The profile's region, else the first one up its source_profile chain (the AWS CLI and
    SDKs do not look there themselves, so a role profile without one would have none)."""
    seen: set[str] = set()
    current: Optional[str] = name
    while current is not None and current in profiles and current not in seen:
        seen.add(current)
        if profiles[current].get("region"):
            return profiles[current]["region"]
        current = profiles[current].get("source_profile")
    return None


def users_default(config: Optional[ConfigFile]) -> bool:
    """Whether the file has a [default] profile that the user wrote (not one of ours)."""
    return config is not None and any(s.key == ("profile", "default") and not s.owned for s in config.sections)


def _owned_end(text: str, section: Section) -> int:
    """Where our own lines of a section stop: trailing blank lines and comments are the user's
    (a comment just above the next section usually describes that section)."""
    body = text[section.start : section.end].splitlines(keepends=True)
    keep = 1
    for i, line in enumerate(body[1:], start=2):
        stripped = line.strip()
        if stripped == MARKER or (stripped and not stripped.startswith(("#", ";"))):
            keep = i
    return section.start + sum(len(line) for line in body[:keep])


@dataclass(frozen=True)
class Edit:
    """What `edited` did, in words for the plan."""

    added: list[str]
    updated: list[str]
    removed: list[str]
    adopted: list[str]  # the user's own sections of the same name, replaced by the team's

    @property
    def names(self) -> list[str]:
        return [*self.added, *self.updated, *self.removed, *self.adopted]


def label(key: tuple[str, str]) -> str:
    kind, name = key
    return (
        f"[sso-session {name}]"
        if kind == "sso-session"
        else ("[default]" if name == "default" else f"[profile {name}]")
    )


def edited(text: str, spec: Aws) -> tuple[str, Edit]:
    """The file with the team's sections in place; every other byte untouched."""
    from bootstrap.system.files import newline_of

    nl = newline_of(text) if text else "\n"
    config = parse(text)
    wanted = wanted_sections(spec, config)
    replacements: list[tuple[int, int, str]] = []
    added: list[str] = []
    updated: list[str] = []
    removed: list[str] = []
    adopted: list[str] = []
    placed: set[tuple[str, str]] = set()
    for section in config.sections:
        if section.key in wanted and section.key not in placed:
            placed.add(section.key)
            end = _owned_end(text, section)
            new = nl.join(wanted[section.key]) + nl
            old = text[section.start : end]
            if not old.endswith(("\n", "\r")):
                new = new[: -len(nl)]  # the file ended without a line break; keep it that way
            if old != new:
                replacements.append((section.start, end, new))
                (updated if section.owned else adopted).append(label(section.key))
        elif section.owned and section.key not in wanted:
            start, end = section.start, _owned_end(text, section)
            if text[:start].endswith(nl + nl):
                start -= len(nl)  # the blank line we put before it when we added it
            replacements.append((start, end, ""))
            removed.append(label(section.key))
    result = text
    for start, end, new in sorted(replacements, reverse=True):
        result = result[:start] + new + result[end:]
    missing = [key for key in wanted if key not in placed]
    if missing:
        if result and not result.endswith(("\n", "\r")):
            result += nl
        for key in missing:
            if result.strip():
                result += nl
            result += nl.join(wanted[key]) + nl
            added.append(label(key))
    return result, Edit(added, updated, removed, adopted)


def credentials_profiles(text: str) -> dict[str, Section]:
    """Profiles in ~/.aws/credentials (its headers carry no `profile ` prefix)."""
    return {s.name: s for s in parse(text, credentials=True).sections}


def long_lived(sections: dict[str, Section]) -> list[str]:
    """Profiles holding an access key without a session token: keys that never expire."""
    return [
        name
        for name, section in sections.items()
        if "aws_access_key_id" in section.values and "aws_session_token" not in section.values
    ]


def unreadable(data: bytes) -> Optional[tuple[int, str]]:
    """Why the AWS CLI cannot read this config file at all: (1-based line, what is wrong), or
    None when it can. The CLI reads it with Python's configparser, then splits indented blocks
    (`s3 =` and the lines under it) into settings; either failing stops every `aws` command,
    `aws --version` included."""
    import configparser

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return line, "it is not UTF-8 text (saved in another encoding?)"
    if text.startswith("\ufeff"):
        return 1, "it starts with a byte-order mark (BOM), which the AWS CLI cannot read; save it as UTF-8 without BOM"
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.MissingSectionHeaderError as exc:
        return exc.lineno, "a setting comes before any [section] header"
    except configparser.DuplicateSectionError as exc:
        return exc.lineno or 0, f"section [{exc.section}] appears twice; merge the two into one"
    except configparser.DuplicateOptionError as exc:
        return exc.lineno or 0, f"[{exc.section}] sets {exc.option} twice; keep one"
    except configparser.ParsingError as exc:
        line, _ = exc.errors[0]
        return line, "this line is neither a [section] header, a `key = value` setting, nor a comment"
    except configparser.Error as exc:
        return 0, str(exc).splitlines()[0]
    return _bad_nested(text)


def _bad_nested(text: str) -> Optional[tuple[int, str]]:
    """An indented line under `key =` (a nested block such as `s3 =`) that is not `name = value`."""
    lines = text.splitlines()
    nested = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not line[:1].isspace():
            entry = _ENTRY.match(line.rstrip())
            nested = bool(entry) and not entry.group("value").strip() if entry else False
            continue
        if nested and stripped and not stripped.startswith(("#", ";")) and "=" not in stripped:
            return number, f"`{stripped}` is indented under a setting, so it must read `name = value`"
    return None
