"""How `bootstrap aws ...` answers look: identities, the role graph as a tree, a denial explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bootstrap.components.aws.graph import Hop, children, hop

if TYPE_CHECKING:
    from bootstrap.components.aws.component import Local
    from bootstrap.components.aws.explain import Explanation

DENY_WORDS = {
    "implicit": "an implicit deny: nothing grants it yet. Asking for access is the way forward.",
    "explicit": "an explicit deny: a policy forbids it on purpose; a new permission alone will not help, "
    "so the platform team has to change or lift that deny.",
    "setting": "an explicit deny by a setting of the bucket or the account, not by a policy: a new "
    "permission will not help; change the request, or ask the bucket's owner to change the setting.",
    "scp": "a deny from your AWS organization (a service control policy); only the organization's "
    "administrators can change it, whatever your role allows.",
    "rcp": "a deny from your AWS organization (a resource control policy); only the organization's "
    "administrators can change it.",
    "unknown": "a deny of a kind AWS did not say (S3 and some services never say whether a policy "
    "forbids it or nothing grants it).",
}


def hop_words(step: Hop) -> str:
    if step.kind == "sso":
        return f"signs in with SSO ({step.detail})"
    if step.kind == "role":
        mfa = f", needs an MFA code from {step.mfa}" if step.mfa else ""
        return f"assumes role {step.role or step.detail} in account {step.account or '?'}{mfa}"
    if step.kind == "keys":
        return "uses long-lived access keys from ~/.aws/credentials"
    if step.kind == "credential_source":
        return f"takes credentials from {step.detail}"
    return step.detail


def chain_words(hops: list[Hop]) -> str:
    """`data-dev (signs in with SSO ...) → warehouse (assumes role ...)`."""
    return " → ".join(f"{h.profile} ({hop_words(h)})" for h in hops)


def graph(local: Local) -> list[str]:
    """The role-assumption graph as tree lines, grouped by where the credentials start."""
    profiles = local.profiles
    creds = local.credential_values
    tree = children(profiles)
    lines: list[str] = []

    def walk(name: str, prefix: str, last: bool, seen: frozenset[str]) -> None:
        settings = {**creds.get(name, {}), **profiles.get(name, {})}
        here = hop(name, settings, creds)
        words = hop_words(here) if here.kind != "sso" else f"role {here.role} in account {here.account}"
        lines.append(f"{prefix}{'└── ' if last else '├── '}{name}: {words}")
        kids = [k for k in tree.get(name, []) if k not in seen]
        for i, kid in enumerate(kids):
            walk(kid, prefix + ("    " if last else "│   "), i == len(kids) - 1, seen | {name})

    groups: dict[str, list[str]] = {}
    for name in local.all_profiles():
        settings = {**creds.get(name, {}), **profiles.get(name, {})}
        source = settings.get("source_profile")
        here = hop(name, settings, creds)
        if here.kind == "role" and source and source != name:
            if source not in profiles and source not in creds:
                groups.setdefault("broken: source_profile names a profile that does not exist", []).append(name)
            continue
        if here.kind == "role":
            group = f"credential source {settings.get('credential_source', '(none: broken)')}"
        elif here.kind == "sso":
            session = settings.get("sso_session") or settings.get("sso_start_url", "")
            url = local.sessions.get(session, {}).get("sso_start_url", "")
            group = f"SSO session {session}" + (f" ({url})" if url else "")
        elif here.kind == "keys":
            group = "access keys in ~/.aws/credentials (long-lived: prefer SSO)"
        else:
            group = "no credentials"
        groups.setdefault(group, []).append(name)
    reached = set()
    for group, names in groups.items():
        lines.append(group)
        for i, name in enumerate(names):
            walk(name, "", i == len(names) - 1, frozenset())
        reached.update(names)
    loops = [
        n for n in profiles if n not in _reachable(reached, tree) and profiles[n].get("source_profile") in profiles
    ]
    if loops:
        lines.append("broken: source_profile goes round in a loop")
        lines += [
            f"{'└── ' if i == len(loops) - 1 else '├── '}{n} → {profiles[n].get('source_profile')}"
            for i, n in enumerate(loops)
        ]
    return lines


def _reachable(roots: set[str], tree: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += tree.get(name, [])
    return seen


def explanation(found: Explanation, request: str) -> list[str]:
    from bootstrap.components.aws.explain import call
    from bootstrap.components.aws.identity import describe_arn

    what = found.action or call(found) or "a call"
    on = f" on {found.resource}" if found.resource else ""
    lines = [f"What happened: AWS refused {what}{on} ({found.code})."]
    if found.principal:
        lines.append(f"Who asked:     {describe_arn(found.principal)} in account {found.account}")
        lines.append(f"               {found.principal}")
    else:
        lines.append("Who asked:     the error does not say; `bootstrap aws whoami` shows who each profile is")
    if found.profiles:
        lines.append(f"From profile:  {found.profiles[0]}: {chain_words(found.hops)}")
        if len(found.profiles) > 1:
            lines.append(f"               (also possible: {', '.join(found.profiles[1:])})")
    elif found.principal:
        lines.append("From profile:  none of your AWS profiles signs in as this principal")
    lines.append(f"Why:           {found.reason}.")
    if found.policy_arn:
        lines.append(f"               The policy: {found.policy_arn}")
    lines.append(f"               This is {DENY_WORDS[found.deny]}")
    if found.encoded:
        lines.append("Details:       AWS encoded the reason; decode it with")
        lines.append(f"               aws sts decode-authorization-message --encoded-message {found.encoded[:24]}...")
    lines += ["", "Send this to your platform team:", "", *request.rstrip("\n").splitlines()]
    return lines
