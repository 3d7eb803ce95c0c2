"""OpenPGP signature checks, in-process (no `gpg` needed), against a set of trusted keys.

Built on pysequoia (Sequoia-PGP), or PGPy where pysequoia has no wheel (macOS, Python < 3.11). A signature counts when it verifies against one of the
trusted certificates and the signing key was valid when the signature was made: a release
signed while HashiCorp's key was valid stays installable after that key expires, and a
signature made after a key expired is refused with a message that says so and how to add the
rotated key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from bootstrap.system.errors import Failure, UserError

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


class Sequoia:
    """pysequoia (Sequoia-PGP): wheels for Linux on Python 3.9+ and macOS on 3.11+."""

    name = "pysequoia"

    def __init__(self) -> None:
        import warnings

        import pysequoia

        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pysequoia")
        self.sq = pysequoia

    def load(self, data: bytes) -> list[tuple[Key, Any]]:
        found = []
        for cert in self.sq.Cert.split_bytes(data):
            ids = {p.key_id.lower() for p in self.sq.packet.PacketPile.from_bytes(bytes(cert)) if p.key_id}
            users = cert.user_ids
            user = str(users[0]) if users else cert.fingerprint
            found.append((Key(cert.fingerprint.lower(), user, frozenset(ids), cert.expiration), cert))
        return found

    def signature(self, data: bytes) -> tuple[Any, str, Optional[dt.datetime]]:
        sig = self.sq.Sig.from_bytes(data)
        return sig, (sig.issuer_fingerprint or sig.issuer_key_id or "").lower(), sig.created

    def check(self, certs: list[Any], data: bytes, sig: Any) -> None:
        self.sq.verify(bytes=data, store=lambda _ids: certs, signature=sig)


class Pgpy:
    """PGPy (pure Python): for macOS on Python 3.9 and 3.10, where pysequoia ships no wheel."""

    name = "PGPy"

    def __init__(self) -> None:
        import warnings

        warnings.filterwarnings("ignore", module="pgpy")
        warnings.filterwarnings("ignore", message=".*TripleDES.*")
        import pgpy

        self.pgpy = pgpy

    def load(self, data: bytes) -> list[tuple[Key, Any]]:
        loaded = self.pgpy.PGPKey.from_blob(data)
        keys = [loaded[0], *loaded[1].values()] if isinstance(loaded, tuple) else [loaded]
        found = []
        seen = set()
        for cert in keys:
            cert = cert.pubkey if not cert.is_public and cert.pubkey is not None else cert
            fingerprint = str(cert.fingerprint).replace(" ", "").lower()
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            ids = {fingerprint[-16:], *(str(k).lower() for k in cert.subkeys)}
            expires = cert.expires_at
            if expires is not None and expires.tzinfo is None:
                expires = expires.replace(tzinfo=dt.timezone.utc)
            uid = cert.userids[0] if cert.userids else None
            user = f"{uid.name} <{uid.email}>" if uid is not None else fingerprint
            found.append((Key(fingerprint, user, frozenset(ids), expires), cert))
        return found

    def signature(self, data: bytes) -> tuple[Any, str, Optional[dt.datetime]]:
        sig = self.pgpy.PGPSignature.from_blob(data)
        created = sig.created.replace(tzinfo=dt.timezone.utc) if sig.created.tzinfo is None else sig.created
        return sig, str(sig.signer_fingerprint or sig.signer or "").replace(" ", "").lower(), created

    def check(self, certs: list[Any], data: bytes, sig: Any) -> None:
        for cert in certs:
            key = cert if cert.fingerprint.keyid == sig.signer else cert.subkeys.get(sig.signer)
            if key is None:
                continue
            try:
                if cert.verify(data, sig):
                    return
                if key.is_expired or cert.is_expired:
                    # PGPy refuses every signature by a key that has expired since; Keyring.verify
                    # has already checked that this one was made while the key was valid.
                    from cryptography.hazmat.primitives import hashes

                    algorithm = getattr(hashes, sig.hash_algorithm.name)()
                    if key._key.verify(sig.hashdata(data), sig.__sig__, algorithm) is True:
                        return
            except Exception as exc:  # noqa: BLE001 - PGPy raises plain exceptions
                raise ValueError(_one_line(exc)) from None
        raise ValueError("no valid signature")


def backend() -> Any:
    """pysequoia where it is installed, else PGPy (see pyproject.toml's platform markers)."""
    try:
        return Sequoia()
    except ImportError:
        return Pgpy()


class Keyring:
    """Trusted certificates read from one ASCII-armoured file."""

    def __init__(
        self,
        source: Path,
        shown: str,
        engine: Any = None,
        rotated: Optional[str] = None,
        setting: str = "terraform.keys",
        docs: str = ROTATE_DOCS,
    ) -> None:
        self.engine = engine or backend()
        # What to do when the publisher moves to a new key (said when a signature names a key we lack).
        self.rotated = rotated or f"if HashiCorp rotated its key, add the new one with `{setting}` ({docs})"
        self.setting, self.docs = setting, docs
        try:
            loaded = self.engine.load(source.read_bytes())
        except OSError as exc:
            raise UserError(
                f"cannot read the signing keys {shown} ({exc.strerror}); fix the path or remove the setting"
            ) from None
        except Exception as exc:  # noqa: BLE001 - the libraries raise plain exceptions
            raise UserError(f"{shown} is not an OpenPGP public key file ({_one_line(exc)})") from None
        if not loaded:
            raise UserError(f"{shown} holds no OpenPGP public key")
        self.shown = shown
        self.keys = [key for key, _ in loaded]
        self.certs = [cert for _, cert in loaded]

    def holder(self, key_id: str) -> Optional[Key]:
        key_id = key_id.lower()
        return next((k for k in self.keys if key_id in k.key_ids or k.fingerprint.endswith(key_id)), None)

    def verify(self, data: bytes, signature: bytes, what: str) -> Verified:
        """Check one detached signature over data; raise SignatureError with one plain line.

        Accepted when a trusted key made it and that key was valid when it signed."""
        try:
            sig, issuer, signed = self.engine.signature(signature)
        except Exception as exc:  # noqa: BLE001
            raise SignatureError(f"the signature of {what} is not an OpenPGP signature ({_one_line(exc)})") from None
        holder = self.holder(issuer[-16:]) if issuer else None
        if holder is None:
            raise SignatureError(
                f"{what} is signed by key {issuer[-16:].upper() or '(unnamed)'}, which is not one of the trusted keys in "
                f"{self.shown}; {self.rotated}"
            )
        if holder.expires is not None and signed is not None and signed >= holder.expires:
            raise SignatureError(
                f"{what} was signed on {signed:%Y-%m-%d} with {holder.user}'s key {holder.fingerprint[-16:].upper()}, "
                f"which expired on {holder.expires:%Y-%m-%d}; add the rotated key with `{self.setting}` ({self.docs})"
            )
        try:
            self.engine.check(self.certs, data, sig)
        except Exception as exc:  # noqa: BLE001
            raise SignatureError(
                f"the signature of {what} does not match its content ({_one_line(exc)}): the file was altered or damaged"
            ) from None
        now = dt.datetime.now(dt.timezone.utc)
        expired = holder.expires if holder.expires is not None and holder.expires <= now else None
        return Verified(holder.fingerprint, holder.user, signed, expired)


def checker(ring: Keyring) -> Callable[[bytes, bytes, str], tuple[str, str]]:
    """The `verify` callable `releases.install` takes: (signer's fingerprint, a note for the user)."""

    def check(data: bytes, signature: bytes, what: str) -> tuple[str, str]:
        result = ring.verify(data, signature, what)
        note = ""
        if result.expired is not None:
            note = (
                f"note: {what} was signed on {result.signed:%Y-%m-%d} by {result.user}, whose key has since expired "
                f"(on {result.expired:%Y-%m-%d}); the signature was made while the key was valid, so it was accepted"
            )
        return result.fingerprint, note

    return check


def keyring(path: Optional[str], shown: Optional[str] = None) -> Keyring:
    """The configured keys, or the built-in HashiCorp keys."""
    if path:
        return Keyring(Path(path), shown or path)
    return Keyring(BUILTIN_KEYS, "the built-in HashiCorp keys")
