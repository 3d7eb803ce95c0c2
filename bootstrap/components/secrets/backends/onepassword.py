"""1Password through its CLI, `op`: `op whoami` for the session, `op read` per reference.

`op` prints errors as `[ERROR] YYYY/MM/DD HH:MM:SS message` on stderr; the message tells the
states apart. References are the ones `op run` and `op inject` understand.
"""

from __future__ import annotations

import json
import re

from bootstrap.components.secrets.backends import Ref, Resolution, Status, concurrently
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure

SCHEME = "op"
INSTALL = "install the 1Password CLI: https://developer.1password.com/docs/cli/get-started/"
SIGNIN = "eval $(op signin)   (or turn on 'Integrate with 1Password CLI' in the 1Password app)"
_ERROR = re.compile(r"^\[ERROR\] \S+ \S+ (.*)$", re.MULTILINE)


def error_message(stderr: str) -> str:
    found = _ERROR.findall(stderr)
    return found[-1].strip() if found else stderr.strip()


def classify(message: str) -> str:
    lower = message.lower()
    if "not currently signed in" in lower or "no accounts configured" in lower or "account is not signed in" in lower:
        return "signed_out"
    if "locked" in lower or "authorization prompt dismissed" in lower or "authorization timeout" in lower:
        return "locked"
    if "more than one" in lower:
        return "ambiguous"
    if (
        "isn't an item" in lower
        or "isn't a vault" in lower
        or "does not have a field" in lower
        or "isn't a field" in lower
        or "not found" in lower
    ):
        return "not_found"
    return "error"


def status(ctx: Context) -> Status:
    if ctx.runner.which("op") is None:
        return Status("not_installed", "the 1Password CLI (op) is not installed", INSTALL)
    result = ctx.runner.run(["op", "whoami", "--format", "json"], timeout=30)
    if result.ok:
        try:
            who = json.loads(result.stdout).get("email", "")
        except (ValueError, AttributeError):
            who = ""
        return Status("ok", f"signed in to 1Password{' as ' + who if who else ''}")
    message = error_message(result.stderr)
    state = classify(message)
    if state == "locked":
        return Status("locked", "1Password is locked", "unlock the 1Password app, then run the command again")
    if state == "signed_out" or "signed in" in message:
        return Status("signed_out", "you are not signed in to 1Password", SIGNIN)
    return Status("error", f"op whoami failed: {ctx.tilde(message)}", SIGNIN)


def read_one(ctx: Context, ref: Ref) -> Resolution:
    result = ctx.runner.run(["op", "read", "--no-newline", str(ref)], timeout=60)
    if result.ok:
        return Resolution(ref, "ok", "resolves", value=result.stdout)
    message = error_message(result.stderr)
    state = classify(message)
    vault, item = ref.parts[0], ref.parts[1]
    if state == "ambiguous":
        return Resolution(
            ref,
            "ambiguous",
            f"more than one 1Password item matches {ref}",
            f"op item list --vault '{vault}'   (then use the item's ID in the reference)",
        )
    if state == "not_found":
        return Resolution(
            ref,
            "not_found",
            f"{ref} is not in 1Password",
            f"op item get '{item}' --vault '{vault}'   (check the vault, item and field names)",
        )
    if state == "locked":
        return Resolution(ref, "locked", "1Password is locked", "unlock the 1Password app, then run the command again")
    if state == "signed_out":
        return Resolution(ref, "signed_out", "you are not signed in to 1Password", SIGNIN)
    return Resolution(ref, "error", f"op could not read {ref}: {ctx.tilde(message)}", f"op read '{ref}'")


def resolve(ctx: Context, refs: list[Ref]) -> list[Resolution]:
    return concurrently(refs, lambda r: read_one(ctx, r))


def exists(ctx: Context, ref: Ref) -> bool:
    return read_one(ctx, ref).state in ("ok", "ambiguous")


def store(ctx: Context, ref: Ref, value: str) -> None:
    parts = ref.parts
    if len(parts) != 3:
        raise Failure(f"bootstrap can only create 1Password items as op://vault/item/field, not {ref}")
    vault, item, field_name = parts
    # The item goes in as a template on stdin: `op item create` also takes `field=value`
    # arguments, but those would show the value to anyone listing processes.
    template = {
        "title": item,
        "category": "PASSWORD",
        "fields": [
            {
                "id": field_name,
                "label": field_name,
                "type": "CONCEALED",
                "purpose": "PASSWORD" if field_name == "password" else "",
                "value": value,
            }
        ],
    }
    result = ctx.runner.run(
        ["op", "item", "create", "--vault", vault, "--format", "json"], input=json.dumps(template), timeout=60
    )
    if not result.ok:
        raise Failure(f"1Password could not save {ref}: {ctx.tilde(error_message(result.stderr))}")
