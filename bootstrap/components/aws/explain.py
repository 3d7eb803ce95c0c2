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
# IAM names some resources in words (`on resource: role NAME`) rather than by ARN.
_RESOURCE = re.compile(
    r"on resource:?\s*\"?(?P<resource>(?:(?:role|user|group|policy|instance-profile) [^\s\"()]+)|[^\s\"]+?)\"?(?:\s|$|\")"
)
# The CLI and boto3 say `when calling the X operation`; Go SDK v2 says `operation error SERVICE: X,`.
_OPERATION = re.compile(r"when calling the (?P<op>\w+) operation|operation error (?P<service>[\w ]+?): (?P<goop>\w+)")
_CODE = re.compile(
    r"\((?P<code>AccessDenied\w*|UnauthorizedOperation|403)\)|<Code>(?P<xml>AccessDenied\w*)</Code>"
    r"|api error (?P<go>AccessDenied\w*|UnauthorizedOperation)\b|Error Code: (?P<java>AccessDenied\w*|UnauthorizedOperation);"
)
_ENCODED = re.compile(r"Encoded authorization failure message:\s*(?P<blob>[\w-]+)")
# Newer messages end the reason with the policy that decided: `...policy: arn:aws:organizations::...`.
_POLICY_ARN = re.compile(r"policy:\s*(?P<arn>arn:aws[\w-]*:(?:organizations|iam)::\d*:policy/[^\s\"',;()]+)")
_LAKE_FORMATION = "Insufficient Lake Formation permission"
_BLOCK_PUBLIC_ACCESS = re.compile(r"prevented by the (?P<setting>\w+) setting in S3 Block Public Access")

# The part after "because" (or "with") says which kind of policy decided: (pattern, kind, words).
# Patterns are regular expressions, tried in order, matched case-insensitively.
_REASONS = (
    # A VPC endpoint policy deny that an SCP or RCP forces is the organization's to lift.
    (
        r"transitively through a service control policy",
        "scp",
        "an explicit deny in a VPC endpoint policy, put there by a service control policy (SCP) of the AWS organization",
    ),
    (
        r"transitively through a resource control policy",
        "rcp",
        "an explicit deny in a VPC endpoint policy, put there by a resource control policy of the AWS organization",
    ),
    (
        r"explicit deny in a service control policy",
        "scp",
        "an explicit deny in a service control policy (SCP) of the AWS organization",
    ),
    (
        r"explicit deny in a resource control policy",
        "rcp",
        "an explicit deny in a resource control policy of the AWS organization",
    ),
    (r"no service control policy allows", "scp", "no service control policy (SCP) of the AWS organization allows it"),
    (
        r"explicit deny in a permissions boundary",
        "explicit",
        "an explicit deny in the permissions boundary of the role",
    ),
    (r"no permissions boundary allows", "implicit", "the permissions boundary of the role does not allow it"),
    (
        r"explicit deny in an identity-based policy",
        "explicit",
        "an explicit deny in a policy attached to the role or user",
    ),
    (
        r"explicit deny in (?:a|the) (?:role )?trust policy",
        "explicit",
        "an explicit deny in the trust policy of the role you tried to assume",
    ),
    (
        r"no (?:role )?trust policy allows",
        "implicit",
        "the trust policy of the role you tried to assume does not let you assume it",
    ),
    (
        r"explicit deny in a resource-based policy",
        "explicit",
        "an explicit deny in the policy of the resource itself (e.g. a bucket policy)",
    ),
    (
        r"no resource-based policy allows",
        "implicit",
        "the policy of the resource itself (e.g. a bucket policy) does not allow you",
    ),
    # "sessions policy" is how one of AWS's own pages spells it.
    (r"explicit deny in a sessions? policy", "explicit", "an explicit deny in the session policy of this sign-in"),
    (r"no sessions? policy allows", "implicit", "the session policy of this sign-in does not allow it"),
    (r"explicit deny in a VPC endpoint policy", "explicit", "an explicit deny in a VPC endpoint policy of the network"),
    (
        r"no VPC endpoint policy allows",
        "implicit",
        "no VPC endpoint policy of the network you are on allows it (the request went through a VPC endpoint)",
    ),
    (r"no identity-based policy allows", "implicit", "no policy attached to the role or user allows it"),
    (
        r"blocked upload requests that specify Server Side Encryption with Customer provided keys",
        "setting",
        "the bucket refuses uploads encrypted with keys you provide (SSE-C): upload with another "
        "server-side encryption (SSE-S3 or SSE-KMS), or ask the bucket's owner",
    ),
    # Lake Formation grants are separate from IAM; it never says whether a grant is missing or denied.
    (
        _LAKE_FORMATION,
        "unknown",
        "Lake Formation does not grant you this permission on the data (Lake Formation grants are made "
        "in Lake Formation, apart from IAM policies)",
    ),
    # Last: a deny that names no policy at all.
    (r"with an explicit deny", "explicit", "an explicit deny in a policy AWS did not name"),
)


@dataclass(frozen=True)
class Explanation:
    code: str
    principal: Optional[str]
    account: Optional[str]
    action: Optional[str]
    resource: Optional[str]
    operation: Optional[str]
    deny: str  # "implicit" | "explicit" | "setting" | "scp" | "rcp" | "unknown"
    reason: str  # the deciding policy, in plain words
    encoded: Optional[str] = None
    service: Optional[str] = None  # the SDK's name for the service, when the message gives it (Go SDK v2)
    policy_arn: Optional[str] = None  # the policy that decided, when AWS names it
    profiles: list[str] = field(default_factory=list)  # local profiles this principal comes from
    hops: list[Hop] = field(default_factory=list)  # how the first of them gets its credentials


def looks_denied(text: str) -> bool:
    return bool(
        _CODE.search(text)
        or "not authorized to perform" in text
        or "Access Denied" in text
        or _LAKE_FORMATION in " ".join(text.split())
    )


def _reason(flat: str) -> tuple[str, str]:
    """(deny kind, the deciding policy in words) from the message's own words."""
    setting = _BLOCK_PUBLIC_ACCESS.search(flat)
    if setting:
        return (
            "setting",
            f"S3 Block Public Access (its {setting.group('setting')} setting, on the bucket or the account) "
            "forbids making this public: leave out the public ACL or policy, or ask the bucket's owner",
        )
    for pattern, kind, words in _REASONS:
        if re.search(pattern, flat, re.IGNORECASE):
            return kind, words
    return "unknown", "AWS did not say which policy decided"


def parse(text: str) -> Explanation:
    """Read an AccessDenied message. Parts AWS did not say are None."""
    flat = " ".join(text.split())
    principal = _PRINCIPAL.search(flat)
    action = _ACTION.search(flat)
    resource = _RESOURCE.search(flat)
    operation = _OPERATION.search(flat)
    code = _CODE.search(flat)
    encoded = _ENCODED.search(flat)
    policy = _POLICY_ARN.search(flat)
    deny, reason = _reason(flat)
    if deny == "unknown" and action and "because" not in flat and reason.startswith("AWS did not say"):
        deny, reason = "implicit", "nothing allows it (no policy grants this action, so AWS denies it by default)"
    arn = principal.group("arn").rstrip(".,") if principal else None
    found_code = next((c for c in code.groups() if c), None) if code else None
    return Explanation(
        code=found_code or "AccessDenied",
        principal=arn,
        account=arn.split(":")[4] if arn else None,
        action=action.group("action") if action else None,
        resource=resource.group("resource").rstrip(".,") if resource else None,
        operation=(operation.group("op") or operation.group("goop")) if operation else None,
        deny=deny,
        reason=reason,
        encoded=encoded.group("blob") if encoded else None,
        service=operation.group("service") if operation else None,
        policy_arn=policy.group("arn").rstrip(".") if policy else None,
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


def call(found: Explanation) -> Optional[str]:
    """`the EC2 RunInstances call`, for messages that name the operation but not the action."""
    if not found.operation:
        return None
    return f"the {found.service + ' ' if found.service else ''}{found.operation} call"


def access_request(found: Explanation, who: str = "") -> str:
    """A message to paste to the platform team."""
    lines = [
        "Hello platform team,",
        "",
        "I was denied access in AWS and would like to ask for it:",
        "",
        f"- Who: {found.principal or 'unknown (the error did not name the principal)'}",
        f"- Account: {found.account or 'unknown'}",
        f"- Action: {found.action or call(found) or 'unknown'}",
        f"- Resource: {found.resource or 'not named in the error'}",
        f"- Why AWS said no: {found.reason}",
    ]
    if found.policy_arn:
        lines.append(f"- Policy that decided: {found.policy_arn}")
    if found.profiles:
        lines.append(f"- Local AWS profile: {found.profiles[0]}")
    lines += ["", "What I am trying to do: <one sentence: the task, and why it needs this access>", ""]
    if who:
        lines.append(f"Thanks, {who}")
    return "\n".join(lines) + "\n"
