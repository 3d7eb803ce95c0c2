"""OpenPGP signature checks, in-process (no `gpg` needed), against a set of trusted keys.

Built on pysequoia (Sequoia-PGP). A signature counts when it verifies against one of the
trusted certificates and the signing key was valid when the signature was made: a release
signed while HashiCorp's key was valid stays installable after that key expires, and a
signature made after a key expired is refused with a message that says so and how to add the
rotated key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bootstrap.errors import Failure, UserError

if TYPE_CHECKING:
    import pysequoia

BUILTIN_KEYS = Path(__file__).resolve().parent / "keys" / "hashicorp.asc"
ROTATE_DOCS = "docs/profiles.md, section terraform"


class SignatureError(Failure):
    """A signature that does not check out; nothing signed by it may be trusted."""


@dataclass(frozen=True)
class Key:
    """One trusted certificate: its fingerprint, the ids of all its keys, when it expires."""

    fingerprint: str
    user: str
    key_ids: frozenset[str]
    expires: Optional[dt.datetime]


@dataclass(frozen=True)
class Verified:
    """Who signed, and when; `expired` is set when the key has expired since (still accepted)."""

    fingerprint: str
    user: str
    signed: Optional[dt.datetime]
    expired: Optional[dt.datetime]


def _one_line(exc: BaseException) -> str:
    # Sequoia's errors carry a Rust backtrace when RUST_BACKTRACE is set; a person needs line one.
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _sequoia() -> Any:
    import warnings

    import pysequoia

    warnings.filterwarnings("ignore", category=DeprecationWarning, module="pysequoia")
    return pysequoia


class Keyring:
    """Trusted certificates read from one ASCII-armoured file."""

    def __init__(self, source: Path, shown: str) -> None:
        sq = _sequoia()
        try:
            self.certs: list[pysequoia.Cert] = sq.Cert.split_bytes(source.read_bytes())
        except OSError as exc:
            raise UserError(
                f"cannot read the signing keys {shown} ({exc.strerror}); fix the path or remove the setting"
            ) from None
        except Exception as exc:  # noqa: BLE001 - the library raises plain exceptions
            raise UserError(f"{shown} is not an OpenPGP public key file ({_one_line(exc)})") from None
        if not self.certs:
            raise UserError(f"{shown} holds no OpenPGP public key")
        self.shown = shown
        self.keys = [self._describe(sq, c) for c in self.certs]

    @staticmethod
    def _describe(sq: Any, cert: Any) -> Key:
        ids = set()
        for packet in sq.packet.PacketPile.from_bytes(bytes(cert)):
            key_id = packet.key_id
            if key_id:
                ids.add(key_id.lower())
        users = cert.user_ids
        return Key(
            cert.fingerprint.lower(), str(users[0]) if users else cert.fingerprint, frozenset(ids), cert.expiration
        )

    def holder(self, key_id: str) -> Optional[Key]:
        key_id = key_id.lower()
        return next((k for k in self.keys if key_id in k.key_ids or k.fingerprint.endswith(key_id)), None)

    def verify(self, data: bytes, signature: bytes, what: str) -> Verified:
        """Check one detached signature over data; raise SignatureError with one plain line."""
        sq = _sequoia()
        try:
            sig = sq.Sig.from_bytes(signature)
        except Exception as exc:  # noqa: BLE001
            raise SignatureError(f"the signature of {what} is not an OpenPGP signature ({_one_line(exc)})") from None
        issuer = (sig.issuer_fingerprint or sig.issuer_key_id or "").lower()
        signed = sig.created
        holder = self.holder(issuer[-16:]) if issuer else None
        if holder is None:
            raise SignatureError(
                f"{what} is signed by key {issuer[-16:].upper() or '(unnamed)'}, which is not one of the trusted keys in "
                f"{self.shown}; if your vendor rotated its key, add the new one with `terraform.keys` ({ROTATE_DOCS})"
            )
        try:
            sq.verify(bytes=data, store=lambda _ids: self.certs, signature=sig)
        except Exception as exc:  # noqa: BLE001
            if holder.expires is not None and signed is not None and signed >= holder.expires:
                raise SignatureError(
                    f"{what} was signed on {signed:%Y-%m-%d} with {holder.user}'s key {holder.fingerprint[-16:].upper()}, "
                    f"which expired on {holder.expires:%Y-%m-%d}; add the vendor's rotated key with `terraform.keys` ({ROTATE_DOCS})"
                ) from None
            raise SignatureError(
                f"the signature of {what} does not match its content ({_one_line(exc)}): the file was altered or damaged"
            ) from None
        now = dt.datetime.now(dt.timezone.utc)
        expired = holder.expires if holder.expires is not None and holder.expires <= now else None
        return Verified(holder.fingerprint, holder.user, signed, expired)


def keyring(path: Optional[str], shown: Optional[str] = None) -> Keyring:
    """The configured keys, or the built-in HashiCorp keys."""
    if path:
        return Keyring(Path(path), shown or path)
    return Keyring(BUILTIN_KEYS, "the built-in HashiCorp keys")
