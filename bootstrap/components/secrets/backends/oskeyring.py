"""The operating system's keyring through python `keyring`: macOS Keychain, the Secret
Service (GNOME Keyring, KWallet) on Linux. `keyring://service/username`.

Backends that keep secrets in a plain or merely obfuscated file (keyrings.alt) are refused:
they are exactly the passwords.txt this tool exists to replace.
"""

from __future__ import annotations

from typing import Any

from bootstrap.components.secrets.backends import Ref, Resolution, Status
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure

SCHEME = "keyring"
_PLAINTEXT = ("keyrings.alt", "PlaintextKeyring", "EncryptedKeyring", "chainer", "fail.Keyring", "null.Keyring")
# A sentence, not a command: no command of ours starts a desktop keyring, and switching the
# password manager is the team's profile's call (secrets.backend), documented in docs/profiles.md.
FIX_LINUX = (
    "log in to a desktop session (GNOME Keyring or KWallet starts with it and keeps your passwords); "
    "on a computer without a desktop, ask your team to use pass instead "
    "(secrets: {backend: pass} in the team's profile; see docs/profiles.md#secrets)"
)


def _keyring() -> Any:
    import keyring

    return keyring


def _unlock_fix(ctx: Context) -> str:
    if ctx.platform.os == "darwin":
        return "security unlock-keychain login.keychain-db"
    return "unlock the keyring: log in to your desktop session, or run `gnome-keyring-daemon --unlock` and type your password"


def status(ctx: Context) -> Status:
    try:
        kr = _keyring().get_keyring()
    except Exception as exc:  # noqa: BLE001 - keyring raises many kinds of errors while probing
        return Status("not_installed", f"no system keyring can be used ({type(exc).__name__})", FIX_LINUX)
    name = f"{type(kr).__module__}.{type(kr).__name__}"
    if any(p in name for p in _PLAINTEXT) or getattr(kr, "priority", 1) <= 0:
        return Status("not_installed", f"no safe system keyring is available (found {type(kr).__name__})", FIX_LINUX)
    return Status("ok", f"system keyring: {type(kr).__name__}")


def _split(ref: Ref) -> tuple[str, str]:
    service, _, user = ref.path.partition("/")
    return service, user


def read_one(ref: Ref, ctx: Context) -> Resolution:
    keyring = _keyring()
    from keyring.errors import KeyringError, KeyringLocked

    service, user = _split(ref)
    try:
        value = keyring.get_password(service, user)
    except KeyringLocked:
        return Resolution(ref, "locked", "the system keyring is locked", _unlock_fix(ctx))
    except KeyringError as exc:
        return Resolution(ref, "error", f"the system keyring failed ({type(exc).__name__})", FIX_LINUX)
    if value is None:
        return Resolution(ref, "not_found", f"{ref} is not in the system keyring", f"bootstrap secrets set {ref}")
    return Resolution(ref, "ok", "resolves", value=value)


def resolve(ctx: Context, refs: list[Ref]) -> list[Resolution]:
    # One D-Bus connection, in-process: a loop is as fast as anything concurrent would be
    return [read_one(r, ctx) for r in refs]


def exists(ctx: Context, ref: Ref) -> bool:
    return read_one(ref, ctx).state == "ok"


def store(ctx: Context, ref: Ref, value: str) -> None:
    from keyring.errors import KeyringError

    service, user = _split(ref)
    try:
        _keyring().set_password(service, user, value)
    except KeyringError as exc:
        raise Failure(f"the system keyring could not save {ref} ({type(exc).__name__}); {_unlock_fix(ctx)}") from None
