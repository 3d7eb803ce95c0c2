"""The role-assumption graph of AWS profiles: sso-session -> profile -> role hops.

Plain functions over plain data (profile name -> its settings), so that the same lint runs on
~/.aws/config and on a team's profile before anyone writes it. botocore stops at the first
broken profile it meets; `lint` reports every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Optional

Settings = Mapping[str, str]


@dataclass(frozen=True)
class Problem:
    profile: str
    message: str
    where: str = ""  # "file:line" when known

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}profile {self.profile}: {self.message}"


@dataclass(frozen=True)
class Hop:
    """One step of how a profile gets its credentials."""

    profile: str
    kind: str  # "sso" | "keys" | "role" | "credential_source" | "none" | "missing" | "loop"
    detail: str  # the SSO session and role, the role ARN, the credential source
    mfa: Optional[str] = None
    account: Optional[str] = None
    role: Optional[str] = None  # role name for SSO and role hops


def _account_of(arn: str) -> Optional[str]:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def _role_of(arn: str) -> Optional[str]:
    _, _, resource = arn.partition(":role/")
    return resource.rsplit("/", 1)[-1] if resource else None


def hop(name: str, settings: Settings, credentials: Iterable[str] = ()) -> Hop:
    """What this one profile does to get credentials, before following its source."""
    mfa = settings.get("mfa_serial")
    if settings.get("role_arn"):
        arn = settings["role_arn"]
        return Hop(name, "role", arn, mfa, _account_of(arn), _role_of(arn))
    if settings.get("sso_session") or settings.get("sso_start_url"):
        session = settings.get("sso_session") or settings.get("sso_start_url", "")
        role = settings.get("sso_role_name")
        account = settings.get("sso_account_id")
        return Hop(name, "sso", f"SSO session {session}, role {role} in account {account}", None, account, role)
    if settings.get("credential_process"):
        return Hop(name, "credential_source", "credential_process")
    if settings.get("aws_access_key_id") or name in set(credentials):
        return Hop(name, "keys", "access keys in the credentials file")
    return Hop(name, "none", "no credentials configured")


def chain(
    profiles: Mapping[str, Settings], name: str, credentials: Optional[Mapping[str, Settings]] = None
) -> list[Hop]:
    """The hops from where the credentials start to `name`, first hop first."""
    creds = credentials or {}
    hops: list[Hop] = []
    seen: set[str] = set()
    current: Optional[str] = name
    while current is not None:
        if current in seen:
            hops.append(Hop(current, "loop", "source_profile leads back here"))
            break
        seen.add(current)
        settings = {**creds.get(current, {}), **profiles.get(current, {})}
        if current not in profiles and current not in creds:
            hops.append(Hop(current, "missing", "no such profile"))
            break
        this = hop(current, settings, creds)
        hops.append(this)
        source = settings.get("source_profile") if this.kind == "role" else None
        if this.kind == "role" and settings.get("credential_source"):
            hops.append(Hop(current, "credential_source", settings["credential_source"]))
            break
        if source == current and ("aws_access_key_id" in settings):
            hops.append(Hop(current, "keys", "access keys in the credentials file"))
            break
        current = source
    return list(reversed(hops))


def lint(
    profiles: Mapping[str, Settings],
    sessions: Mapping[str, Settings],
    *,
    credentials: Iterable[str] = (),
    duplicates: Iterable[str] = (),
    where: Optional[Mapping[str, str]] = None,
) -> list[Problem]:
    """Every problem of the graph at once, in profile order. No network."""
    at = where or {}
    creds = set(credentials)
    problems = [
        Problem(
            name, "is defined more than once, so the AWS CLI cannot read the file at all; keep one", at.get(name, "")
        )
        for name in duplicates
    ]
    for name, settings in profiles.items():
        here = at.get(name, "")

        def report(message: str, profile: str = name, place: str = here) -> None:
            problems.append(Problem(profile, message, place))

        source = settings.get("source_profile")
        if source and settings.get("credential_source"):
            report("has both source_profile and credential_source; keep only one")
        if source and source not in profiles and source not in creds:
            report(f"source_profile '{source}' does not exist in ~/.aws/config or ~/.aws/credentials")
        if (source or settings.get("credential_source")) and not settings.get("role_arn"):
            report("names a source of credentials but no role_arn to assume")
        if settings.get("role_arn") and not source and not settings.get("credential_source"):
            report("has a role_arn but neither source_profile nor credential_source to assume it from")
        duration = settings.get("duration_seconds")
        if duration is not None and not duration.strip().isdigit():
            report(f"duration_seconds must be a whole number of seconds, not '{duration}'")
        session = settings.get("sso_session")
        if session and session not in sessions:
            report(f"sso_session '{session}' has no [sso-session {session}] section")
        if session and not (settings.get("sso_account_id") and settings.get("sso_role_name")):
            report("an SSO profile needs both sso_account_id and sso_role_name")
        loop = _loop_from(profiles, name, creds)
        if loop and name == min(loop):  # once per loop
            report(f"source_profile goes round in a loop: {' -> '.join([*loop, name])}")
    for name, settings in sessions.items():
        missing = [k for k in ("sso_start_url", "sso_region") if not settings.get(k)]
        if missing:
            problems.append(
                Problem(f"[sso-session {name}]", f"needs {' and '.join(missing)}", at.get(f"sso-session {name}", ""))
            )
    return problems


def _loop_from(profiles: Mapping[str, Settings], name: str, creds: set[str]) -> list[str]:
    """The profiles on a source_profile loop through name ([] when there is none)."""
    path: list[str] = []
    current: Optional[str] = name
    while current is not None and current in profiles:
        if current in path:
            return path[path.index(current) :]
        settings = profiles[current]
        source = settings.get("source_profile")
        if source == current and ("aws_access_key_id" in settings or current in creds):
            return []  # a profile may name itself when it holds the keys
        path.append(current)
        current = source
    return []


def children(profiles: Mapping[str, Settings]) -> dict[str, list[str]]:
    """source profile -> the profiles assuming a role from it."""
    tree: dict[str, list[str]] = {}
    for name, settings in profiles.items():
        source = settings.get("source_profile")
        if source and source != name and settings.get("role_arn"):
            tree.setdefault(source, []).append(name)
    return tree
