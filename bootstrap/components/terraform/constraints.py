"""Terraform's version and constraint grammar (hashicorp/go-version, as `required_version` uses it).

`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>` and a bare version, comma-ANDed; several constraints
(several `terraform` blocks) are ANDed too. A pre-release such as 1.6.0-beta1 matches only a
constraint that names it exactly, as in Terraform itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_PART = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*(\S+)\s*$")


class ConstraintError(ValueError):
    """Text that is not a version constraint."""


@dataclass(frozen=True, order=True)
class Version:
    release: tuple[int, int, int]
    # Sorts pre-releases before the release: (0, parts) < (1, ()).
    pre_key: tuple[int, tuple[tuple[int, object], ...]]
    text: str = field(default="", compare=False)
    given: int = field(default=3, compare=False)  # numbers written: "~> 1.2" differs from "~> 1.2.0"

    @property
    def prerelease(self) -> bool:
        return self.pre_key[0] == 0

    def __str__(self) -> str:
        return self.text


def parse_version(text: str) -> Version:
    match = _VERSION.match(text.strip())
    if not match:
        raise ConstraintError(f"{text.strip()!r} is not a version (expected something like 1.5.7)")
    major, minor, patch, pre = match.groups()
    release = (int(major), int(minor or 0), int(patch or 0))
    given = 1 + (minor is not None) + (patch is not None)
    pre_key: tuple[int, tuple[tuple[int, object], ...]] = (1, ())
    if pre:
        parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre.split("."))
        pre_key = (0, parts)
    canonical = ".".join(str(n) for n in release) + (f"-{pre}" if pre else "")
    return Version(release, pre_key, canonical, given)


def try_version(text: str) -> Optional[Version]:
    try:
        return parse_version(text)
    except ConstraintError:
        return None


def _next_up(v: Version) -> tuple[int, int, int]:
    """The exclusive upper bound of `~> v`: the last written number may grow, the one before may not."""
    major, minor, _ = v.release
    if v.given <= 2:
        return (major + 1, 0, 0)
    return (major, minor + 1, 0)


@dataclass(frozen=True)
class Constraint:
    """One comparison; `exact` constraints are the only ones a pre-release can satisfy."""

    op: str
    version: Version

    @property
    def exact(self) -> bool:
        return self.op == "="

    def allows(self, v: Version) -> bool:
        c = self.version
        if self.op == "~>":
            return c <= v and v.release < _next_up(c)
        tests: dict[str, Callable[[Version, Version], bool]] = {
            "=": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
        }
        return tests[self.op](v, c)

    def __str__(self) -> str:
        return f"{self.op} {self.version}"


@dataclass(frozen=True)
class Constraints:
    """Every constraint that applies (all must hold), with the text they came from."""

    items: tuple[Constraint, ...]
    text: str

    def allows(self, v: Version) -> bool:
        if v.prerelease and not any(c.exact and c.version == v for c in self.items):
            return False
        return all(c.allows(v) for c in self.items)

    def best(self, candidates: list[Version]) -> Optional[Version]:
        matching = [v for v in candidates if self.allows(v)]
        return max(matching) if matching else None

    def lowest(self, candidates: list[Version]) -> Optional[Version]:
        matching = [v for v in candidates if self.allows(v)]
        return min(matching) if matching else None

    def __and__(self, other: Constraints) -> Constraints:
        return Constraints(self.items + other.items, f"{self.text}, {other.text}" if self.text else other.text)


def parse(text: str) -> Constraints:
    """`">= 1.2.0, < 2.0.0"` -> Constraints; raise ConstraintError naming the bad part."""
    items = []
    if not text.strip():
        raise ConstraintError("an empty version constraint")
    for part in text.split(","):
        match = _PART.match(part)
        if not match:
            raise ConstraintError(f"{part.strip()!r} is not a version constraint (expected like '>= 1.5.0')")
        op, version = match.groups()
        items.append(Constraint(op or "=", parse_version(version)))
    return Constraints(tuple(items), text.strip())
