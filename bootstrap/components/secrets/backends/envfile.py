"""Reference-only env files (`.env.refs`): `NAME=reference`, or text with `{{ reference }}` in it.

    WAREHOUSE_PASSWORD=pass://data/warehouse
    DATABASE_URL=postgresql://etl:{{ op://Data/warehouse/password }}@db.internal/analytics
    WAREHOUSE_HOST=db.internal

A line without a reference is taken as it is, unless it looks like a secret: such a file is
meant to be committed, so a value in it is refused rather than passed on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bootstrap.components.secrets import scan as secretscan
from bootstrap.components.secrets.backends import Ref, parse
from bootstrap.system.errors import UserError

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_TEMPLATE = re.compile(r"\{\{\s*(\S+?)\s*\}\}")


@dataclass(frozen=True)
class Entry:
    """One variable: literal text pieces with references between them."""

    name: str
    pieces: tuple[str | Ref, ...]

    @property
    def refs(self) -> list[Ref]:
        return [p for p in self.pieces if isinstance(p, Ref)]

    def render(self, values: dict[Ref, str]) -> str:
        return "".join(values[p] if isinstance(p, Ref) else p for p in self.pieces)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def parse_text(text: str, shown: str) -> list[Entry]:
    entries: list[Entry] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise UserError(
                f"{shown}:{number}: expected NAME=reference (like WAREHOUSE_PASSWORD=pass://data/warehouse)"
            )
        name, value = match.group(1), _unquote(match.group(2))
        where = f"{shown}:{number}"
        if _TEMPLATE.search(value):
            pieces: list[str | Ref] = []
            last = 0
            for found in _TEMPLATE.finditer(value):
                pieces += [value[last : found.start()], _ref(found.group(1), where)]
                last = found.end()
            pieces.append(value[last:])
            entries.append(Entry(name, tuple(p for p in pieces if p != "")))
        elif re.match(r"^[a-z]+://", value) and value.split("://")[0] in ("op", "bw", "pass", "keyring"):
            entries.append(Entry(name, (_ref(value, where),)))
        else:
            if secretscan.scan_line(f"{name}={value}"):
                raise UserError(
                    f"{where}: {name} holds what looks like a secret value; put the secret in your password manager and write its reference here instead"
                )
            entries.append(Entry(name, (value,)))
    return entries


def _ref(text: str, where: str) -> Ref:
    try:
        return parse(text)
    except UserError as exc:
        raise UserError(f"{where}: {exc}") from None


def read(path: Path, shown: str) -> list[Entry]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{shown}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{shown}: cannot be read ({type(exc).__name__})") from None
    return parse_text(text, shown)
