"""An AccessDenied message taken apart: who was denied, what, on which resource, and why.

AWS says it in a handful of shapes (the CLI's `An error occurred (AccessDenied) when calling
the X operation: User: ARN is not authorized to perform: ACTION on resource: ARN because ...`,
JSON services' AccessDeniedException, S3's bare `Access Denied`, EC2's encoded message); this
module reads them all into one record, and finds the local profile the principal came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

from bootstrap.components.aws.graph import Hop, Settings, chain

_PRINCIPAL = re.compile(r"(?:User|Principal):\s*(?P<arn>arn:aws[\w-]*:(?:iam|sts)::\d{12}:[^\s\"']+)")
_ACTION = re.compile(r"not authorized to perform:?\s*(?P<action>[\w-]+:[\w*-]+)")
_RESOURCE = re.compile(r"on resource:?\s*\"?(?P<resource>[^\s\"]+?)\"?(?:\s|$|\")")
_OPERATION = re.compile(r"when calling the (?P<op>\w+) operation")
_CODE = re.compile(r"\((?P<code>AccessDenied\w*|UnauthorizedOperation|403)\)|<Code>(?P<xml>AccessDenied\w*)</Code>")
_ENCODED = re.compile(r"Encoded authorization failure message:\s*(?P<blob>[\w-]+)")

# The part after "because" (or "with") says which kind of policy decided.
_REASONS = (
    (
        "explicit deny in a service control policy",
        "scp",
        "an explicit deny in a service control policy (SCP) of the AWS organization",
    ),
    (
        "explicit deny in a resource control policy",
        "rcp",
        "an explicit deny in a resource control policy of the AWS organization",
    ),
    ("no service control policy allows", "scp", "no service control policy (SCP) of the AWS organization allows it"),
    (
        "explicit deny in a permissions boundary",
        "explicit",
        "an explicit deny in the permissions boundary of the role",
    ),
    ("no permissions boundary allows", "implicit", "the permissions boundary of the role does not allow it"),
    (
        "explicit deny in an identity-based policy",
        "explicit",
        "an explicit deny in a policy attached to the role or user",
    ),
    (
        "explicit deny in a resource-based policy",
        "explicit",
        "an explicit deny in the policy of the resource itself (e.g. a bucket policy)",
    ),
    (
        "no resource-based policy allows",
        "implicit",
        "the policy of the resource itself (e.g. a bucket policy) does not allow you",
    ),
    ("explicit deny in a session policy", "explicit", "an explicit deny in the session policy of this sign-in"),
    ("no session policy allows", "implicit", "the session policy of this sign-in does not allow it"),
    ("explicit deny in a VPC endpoint policy", "explicit", "an explicit deny in a VPC endpoint policy of the network"),
    ("no identity-based policy allows", "implicit", "no policy attached to the role or user allows it"),
)


@dataclass(frozen=True)
class Explanation:
    code: str
    principal: Optional[str]
    account: Optional[str]
    action: Optional[str]
    resource: Optional[str]
    operation: Optional[str]
    deny: str  # "implicit" | "explicit" | "scp" | "rcp" | "unknown"
    reason: str  # the deciding policy, in plain words
    encoded: Optional[str] = None
    profiles: list[str] = field(default_factory=list)  # local profiles this principal comes from
    hops: list[Hop] = field(default_factory=list)  # how the first of them gets its credentials


def looks_denied(text: str) -> bool:
    return bool(_CODE.search(text) or "not authorized to perform" in text or "Access Denied" in text)


def parse(text: str) -> Explanation:
    """Read an AccessDenied message. Parts AWS did not say are None."""
    flat = " ".join(text.split())
    principal = _PRINCIPAL.search(flat)
    action = _ACTION.search(flat)
    resource = _RESOURCE.search(flat)
    operation = _OPERATION.search(flat)
    code = _CODE.search(flat)
    encoded = _ENCODED.search(flat)
    deny, reason = "unknown", "AWS did not say which policy decided"
    for phrase, kind, words in _REASONS:
        if phrase.lower() in flat.lower():
            deny, reason = kind, words
            break
    else:
        if action and "because" not in flat and "with an explicit deny" not in flat:
            deny, reason = "implicit", "nothing allows it (no policy grants this action, so AWS denies it by default)"
    arn = principal.group("arn").rstrip(".,") if principal else None
    return Explanation(
        code=(code.group("code") or code.group("xml")) if code else "AccessDenied",
        principal=arn,
        account=arn.split(":")[4] if arn else None,
        action=action.group("action") if action else None,
        resource=resource.group("resource").rstrip(".,") if resource else None,
        operation=operation.group("op") if operation else None,
        deny=deny,
        reason=reason,
        encoded=encoded.group("blob") if encoded else None,
    )


def principal_role(arn: str) -> tuple[str, str]:
    """("role", NAME) for an assumed role (the SSO role name for SSO sign-ins), ("user", NAME) for a user."""
    resource = arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    name = rest.split("/")[0] if rest else resource
    if kind == "assumed-role":
        sso = re.fullmatch(r"AWSReservedSSO_(.+)_[0-9a-f]{8,}", name)
        return ("role", sso.group(1) if sso else name)
    return (kind, name)


def matching_profiles(
    found: Explanation, profiles: Mapping[str, Settings], credentials: Mapping[str, Settings]
) -> list[str]:
    """Local profiles whose last hop signs in as the denied principal."""
    if not found.principal:
        return []
    kind, name = principal_role(found.principal)
    matches = []
    for profile, settings in profiles.items():
        if kind == "role":
            arn = settings.get("role_arn", "")
            if arn.endswith(f":role/{name}") or arn.endswith(f"/{name}"):
                if found.account in (None, arn.split(":")[4] if arn.count(":") >= 5 else None):
                    matches.append(profile)
            elif settings.get("sso_role_name") == name and found.account in (None, settings.get("sso_account_id")):
                matches.append(profile)
    if kind == "user":
        # A user's keys live in the credentials file; which profile holds them is unknowable
        # from the ARN alone, so every key-holding profile in that role is a candidate.
        matches += [p for p, s in credentials.items() if "aws_access_key_id" in s]
    return matches


def explain(
    text: str,
    profiles: Mapping[str, Settings],
    credentials: Mapping[str, Settings],
    used_profile: Optional[str] = None,
) -> Explanation:
    """parse(), with the local profile (and its chain) the principal came from."""
    found = parse(text)
    names = matching_profiles(found, profiles, credentials)
    if used_profile and (used_profile in profiles or used_profile in credentials):
        names = [used_profile, *[n for n in names if n != used_profile]]
    hops = chain(profiles, names[0], credentials) if names else []
    return Explanation(**{**found.__dict__, "profiles": names, "hops": hops})


def access_request(found: Explanation, who: str = "") -> str:
    """A message to paste to the platform team."""
    lines = [
        "Hello platform team,",
        "",
        "I was denied access in AWS and would like to ask for it:",
        "",
        f"- Who: {found.principal or 'unknown (the error did not name the principal)'}",
        f"- Account: {found.account or 'unknown'}",
        f"- Action: {found.action or (found.operation and f'the {found.operation} call') or 'unknown'}",
        f"- Resource: {found.resource or 'not named in the error'}",
        f"- Why AWS said no: {found.reason}",
    ]
    if found.profiles:
        lines.append(f"- Local AWS profile: {found.profiles[0]}")
    lines += ["", "What I am trying to do: <one sentence: the task, and why it needs this access>", ""]
    if who:
        lines.append(f"Thanks, {who}")
    return "\n".join(lines) + "\n"
