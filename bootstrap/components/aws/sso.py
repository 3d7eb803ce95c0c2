"""SSO sign-in state from the AWS CLI's token cache (~/.aws/sso/cache/<sha1>.json). No network."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class Token:
    state: str  # "fresh" | "renewable" | "expired" | "missing" | "unreadable"
    expires: Optional[datetime] = None


def cache_file(cache_dir: Path, session: str) -> Path:
    """The CLI names the cache file after the sha1 of the sso-session name (or of the start URL
    for profiles written before sso-session existed)."""
    return cache_dir / (hashlib.sha1(session.encode("utf-8"), usedforsecurity=False).hexdigest() + ".json")


def parse_time(text: str) -> Optional[datetime]:
    cleaned = text.strip().replace("UTC", "Z")
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def token(cache_dir: Path, session: str, now: Optional[datetime] = None) -> Token:
    """How the cached sign-in for this session stands right now."""
    path = cache_file(cache_dir, session)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Token("missing")
    except (OSError, ValueError):
        return Token("unreadable")
    if not isinstance(data, dict):
        return Token("unreadable")
    expires = parse_time(str(data.get("expiresAt", "")))
    if expires is None:
        return Token("unreadable")
    current = now or datetime.now(timezone.utc)
    if expires > current:
        return Token("fresh", expires)
    # The CLI renews an expired access token by itself while its client registration lasts.
    registration = parse_time(str(data.get("registrationExpiresAt", "")))
    if data.get("refreshToken") and registration is not None and registration > current:
        return Token("renewable", expires)
    return Token("expired", expires)


def login_command(session: str) -> str:
    return f"aws sso login --sso-session {session}"
