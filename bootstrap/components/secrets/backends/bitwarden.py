"""Bitwarden through its CLI, `bw`: `bw status` JSON for the session, one `bw list items` for
every reference at once (each `bw` call starts a Node.js program, about a second).

`bw://item` is the item's password; `bw://item/field` is `username`, `password`, `notes`,
`totp`, or a custom field's name. The item is its id or its exact name.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from bootstrap.components.secrets.backends import Ref, Resolution, Status
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure

SCHEME = "bw"
INSTALL = "npm install -g @bitwarden/cli   (or: brew install bitwarden-cli)"
LOGIN = "bw login"
UNLOCK = 'export BW_SESSION="$(bw unlock --raw)"'
_LOGIN_FIELDS = ("username", "password", "totp")


def status(ctx: Context) -> Status:
    if ctx.runner.which("bw") is None:
        return Status("not_installed", "the Bitwarden CLI (bw) is not installed", INSTALL)
    result = ctx.runner.run(["bw", "status", "--nointeraction"], timeout=60)
    try:
        state = json.loads(result.stdout).get("status")
    except (ValueError, AttributeError):
        state = None
    if state == "unlocked":
        return Status("ok", "Bitwarden is unlocked")
    if state == "locked":
        return Status("locked", "your Bitwarden vault is locked", UNLOCK)
    if state == "unauthenticated":
        return Status("signed_out", "you are not logged in to Bitwarden", f"{LOGIN}, then {UNLOCK}")
    return Status("error", f"bw status did not answer as expected ({ctx.tilde(result.explain())})", "bw status")


def _items(ctx: Context) -> list[dict[str, Any]]:
    result = ctx.runner.run(["bw", "list", "items", "--nointeraction"], timeout=120)
    if not result.ok:
        raise Failure(f"Bitwarden could not list your items ({ctx.tilde(result.explain())}); try: bw sync")
    try:
        data = json.loads(result.stdout)
    except ValueError:
        data = None
    if not isinstance(data, list):
        raise Failure("Bitwarden's item list was not what bw prints (a JSON list); try: bw sync, then again")
    return [i for i in data if isinstance(i, dict)]


def _split(ref: Ref) -> tuple[str, str]:
    item, _, field = ref.path.partition("/")
    return item, field or "password"


def pick(items: list[dict[str, Any]], ref: Ref) -> Resolution:
    """The value ref names among the vault's items, as `bw get` would find it (id, else exact name)."""
    name, field = _split(ref)
    matches = [i for i in items if i.get("id") == name] or [i for i in items if i.get("name") == name]
    if not matches:
        return Resolution(
            ref, "not_found", f"{ref}: there is no Bitwarden item named '{name}'", f"bw list items --search '{name}'"
        )
    if len(matches) > 1:
        return Resolution(
            ref,
            "ambiguous",
            f"{ref}: {len(matches)} Bitwarden items are named '{name}'",
            f"bw list items --search '{name}'   (then use the item's id: bw://ID/{field})",
        )
    item = matches[0]
    value: Any = None
    if field in _LOGIN_FIELDS:
        value = (item.get("login") or {}).get(field)
    elif field == "notes":
        value = item.get("notes")
    else:
        value = next((f.get("value") for f in item.get("fields") or [] if f.get("name") == field), None)
    if not isinstance(value, str) or value == "":
        return Resolution(
            ref,
            "not_found",
            f"{ref}: the item '{name}' has no {field}",
            f"bw get item '{name}'   (check the field name)",
        )
    return Resolution(ref, "ok", "resolves", value=value)


def resolve(ctx: Context, refs: list[Ref]) -> list[Resolution]:
    items = _items(ctx)
    return [pick(items, r) for r in refs]


def exists(ctx: Context, ref: Ref) -> bool:
    return pick(_items(ctx), ref).state in ("ok", "ambiguous")


def store(ctx: Context, ref: Ref, value: str) -> None:
    name, field = _split(ref)
    if field != "password":
        raise Failure(
            f"bootstrap creates Bitwarden logins with a password only (bw://{name}); add other fields in Bitwarden"
        )
    item = {"type": 1, "name": name, "notes": None, "login": {"username": None, "password": value, "uris": []}}
    encoded = base64.b64encode(json.dumps(item).encode()).decode()
    # On stdin, not as the argument `bw create item` also accepts: argv is visible to every process
    result = ctx.runner.run(["bw", "create", "item", "--nointeraction"], input=encoded, timeout=120)
    if not result.ok:
        raise Failure(f"Bitwarden could not save {ref}: {ctx.tilde(result.explain())}")
