"""Plaintext secret hunting: likely secrets in files, reported as file:line with the value masked.

Patterns for well-known credentials come first (they are nearly never wrong); assignments to
password-like names and long random-looking strings catch the rest. References
(`op://...`, `pass://...`), variables (`$X`, `${X}`), templates (`{{ x }}`) and placeholders are
what a file should hold instead, so they are never findings.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

MAX_BYTES = 2_000_000  # a data dump is not a dotfile; reading it would only make the scan slow


@dataclass(frozen=True)
class Hit:
    """One likely secret; `masked` shows its kind and length, never the value."""

    path: Path
    line: int
    kind: str
    masked: str


_REFERENCE = re.compile(r"^(op|bw|pass|keyring)://\S+$")
_PLACEHOLDER = re.compile(
    r"""^(
        \$.*                                   # $VAR, ${VAR:-x}, $(command)
      | \{\{.*\}\}                             # {{ template }}
      | <[^>]*>                                # <your-password>
      | %\(?[A-Za-z_]+\)?s?                    # %(name)s
      | (x+|\*+|\.+|changeme|change_me|password|secret|example|dummy|test|none|null|true|false|redacted|todo|xxx+)
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("AWS access key id", re.compile(r"\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16})\b")),
    ("AWS secret access key", re.compile(r"(?i)aws_?secret_?access_?key\W{0,3}[=:]\s*[\"']?([A-Za-z0-9/+=]{40})\b")),
    ("GitHub token", re.compile(r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b")),
    ("GitLab token", re.compile(r"\b(glpat-[A-Za-z0-9_-]{20})\b")),
    ("Slack token", re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]{10,})\b")),
    ("Stripe key", re.compile(r"\b((?:sk|rk)_live_[A-Za-z0-9]{20,})\b")),
    ("Google API key", re.compile(r"\b(AIza[0-9A-Za-z_-]{35})\b")),
    ("OpenAI-style API key", re.compile(r"\b(sk-(?:proj-)?[A-Za-z0-9_-]{32,})\b")),
    ("JSON web token", re.compile(r"\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})\b")),
    ("password on a mysql command line", re.compile(r"\bmysql(?:dump|admin)?\b.*\s-p([^\s-]\S{3,})")),
    ("password in a URL", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]{3,})@", re.IGNORECASE)),
]
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?:^|[\s;{,(])(?:export\s+|set\s+|setenv\s+)?
    ["']?([A-Za-z0-9_.-]*(?:passw(?:or)?d|pass(?![a-z])|pwd|passphrase|secret|token|api_?key|apikey|access_?key|private_?key|credentials?)[A-Za-z0-9_.-]*)["']?
    \s*(?:=|:|=>)\s*
    (?:"([^"]*)"|'([^']*)'|([^\s"'#,;]+))
    """
)
_ANY_REFERENCE = re.compile(r"\b(?:op|bw|pass|keyring)://[^\s\"'}]+")
_CODE = re.compile(r"^([A-Za-z_][\w]*(\.[A-Za-z_]\w*)+$|[A-Za-z_][\w.]*[(\[])")
_TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{24,}")
_HEX = re.compile(r"^[0-9a-f]+$", re.IGNORECASE)


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def mask(value: str) -> str:
    return f"{'*' * 8} ({len(value)} characters)"


def harmless(value: str) -> bool:
    """What belongs in a file instead of a secret: a reference, a variable, a placeholder."""
    value = value.strip()
    return len(value) < 4 or bool(_REFERENCE.match(value) or _PLACEHOLDER.match(value)) or "{{" in value


def _random_looking(token: str) -> bool:
    if _REFERENCE.match(token) or ("/" in token.strip("/") and token.count("/") > 2):
        return False
    if _HEX.match(token):
        return False  # commit ids and checksums: hex digests are everywhere and rarely secrets
    kinds = sum(bool(re.search(p, token)) for p in ("[a-z]", "[A-Z]", "[0-9]"))
    return kinds == 3 and entropy(token) >= 4.2


def scan_line(text: str) -> Optional[tuple[str, str]]:
    """(kind, masked value) of the first likely secret on a line, or None."""
    stripped = _ANY_REFERENCE.sub("", text)
    for kind, pattern in _PATTERNS:
        found = pattern.search(stripped)
        if found:
            value = found.group(1) if found.groups() else found.group(0)
            if kind == "password in a URL" and harmless(value):
                continue
            return kind, mask(value)
    for found in _ASSIGNMENT.finditer(stripped):
        value = next(g for g in found.groups()[1:] if g is not None)
        if found.group(4) is not None and _CODE.match(value):
            continue  # password = os.environ["X"], token = settings.TOKEN: code, not a value
        if not harmless(value):
            return f"{found.group(1)} assignment", mask(value)
    for token in _TOKEN.findall(stripped):
        if _random_looking(token):
            return "high-entropy string", mask(token)
    return None


def scan_text(path: Path, text: str) -> Iterator[Hit]:
    for number, line in enumerate(text.splitlines(), 1):
        found = scan_line(line)
        if found:
            yield Hit(path, number, *found)


def scan_file(path: Path) -> list[Hit]:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES)
    except OSError:
        return []
    if b"\0" in data[:8192]:
        return []  # binary
    return list(scan_text(path, data.decode("utf-8", errors="replace")))


SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".terraform", ".tox", ".mypy_cache"}


def walk(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not SKIP_DIRS.intersection(child.relative_to(path).parts):
                    yield child
        elif path.is_file():
            yield path


def scan(paths: Iterable[Path]) -> list[Hit]:
    return [hit for path in walk(paths) for hit in scan_file(path)]


# Where plaintext secrets usually hide on a data person's laptop
HOME_FILES = (
    ".bash_history",
    ".zsh_history",
    ".local/share/fish/fish_history",
    ".python_history",
    ".psql_history",
    ".mysql_history",
    ".bashrc",
    ".bash_profile",
    ".zshrc",
    ".zprofile",
    ".profile",
    ".zshenv",
    ".config/fish/config.fish",
    ".aws/credentials",
    ".netrc",
    ".pgpass",
    ".env",
    ".npmrc",
    ".pypirc",
    ".docker/config.json",
    ".databrickscfg",
    ".dbt/profiles.yml",
    ".snowsql/config",
    ".git-credentials",
)
PASSWORD_FILES = re.compile(
    r"(?i)^(passwords?|passwd|secrets?|credentials?|logins?)[\w.-]*\.(txt|csv|md|xlsx?|json|ya?ml)$"
)


def default_paths(home: Path, cwd: Path, repo_root: Optional[Path]) -> list[Path]:
    """Dotfiles and histories, `.env` files of the repository at hand, passwords.txt-like files."""
    found = [home / name for name in HOME_FILES if (home / name).is_file()]
    for folder in (home, home / "Desktop", home / "Documents", home / "Downloads"):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.is_file() and PASSWORD_FILES.match(p.name))
    root = repo_root or cwd
    if root != home:
        found += sorted(
            p
            for p in walk([root])
            if (p.name == ".env" or p.name.startswith(".env."))
            and not p.name.endswith((".refs", ".example", ".template"))
        )
    return list(dict.fromkeys(found))
