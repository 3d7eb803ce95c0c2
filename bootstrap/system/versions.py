"""Version numbers as package managers print them, and the constraints profiles write.

A profile's `version` is one of: `"0.8.1"` (exactly that release; uv tools are pinned to it),
or a comparison such as `">=1.6"`, `"~=3.2"`, `"<2"`, several joined by commas. Package
managers decorate their numbers (`1:2.39.5-0+deb12u3`, `1.7.1_1`, `v0.8.1`): only the leading
dotted numbers count.
"""

from __future__ import annotations

import re
from typing import Optional

_NUMBER = re.compile(r"(\d+(?:\.\d+)*)")
_CLAUSE = re.compile(r"^\s*(==|!=|>=|<=|~=|>|<)?\s*v?(\d+(?:\.\d+)*)\s*$")


def parse(text: str) -> Optional[tuple[int, ...]]:
    """The dotted numbers of a printed version: `1:2.39.5-0+deb12u3` -> (2, 39, 5)."""
    text = re.sub(r"^\d+:", "", text.strip())  # a Debian epoch is not part of the version
    match = _NUMBER.search(text)
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


def valid(spec: str) -> bool:
    return all(_CLAUSE.match(clause) for clause in spec.split(","))


def is_pin(spec: str) -> bool:
    """`0.8.1` or `==0.8.1`: one exact release, which installers are asked for by name."""
    match = _CLAUSE.match(spec)
    return "," not in spec and match is not None and match.group(1) in (None, "==")


def pinned(spec: str) -> str:
    """The release a pin names, without its `==`."""
    match = _CLAUSE.match(spec)
    return match.group(2) if match else spec


def requirement(name: str, spec: Optional[str]) -> str:
    """What pip-style installers take: `nbstripout==0.8.1`, `sqlfluff>=3`, or the bare name."""
    if not spec:
        return name
    if is_pin(spec):
        return f"{name}=={pinned(spec)}"
    return name + ",".join(c.strip() for c in spec.split(","))


def satisfies(have: tuple[int, ...], spec: str) -> bool:
    """Whether the installed version meets every clause; `1.6` meets the pin `1.6` and `1.6.0`."""
    for clause in spec.split(","):
        match = _CLAUSE.match(clause)
        if match is None:
            return False
        op, want = match.group(1) or "==", tuple(int(p) for p in match.group(2).split("."))
        size = max(len(have), len(want))
        a, b = have + (0,) * (size - len(have)), want + (0,) * (size - len(want))
        if op == "==" and have[: len(want)] != want and a != b:
            return False
        if op == "!=" and (have[: len(want)] == want or a == b):
            return False
        if (op == ">=" and a < b) or (op == "<=" and a > b) or (op == ">" and a <= b) or (op == "<" and a >= b):
            return False
        if op == "~=" and not (a >= b and have[: max(1, len(want) - 1)] == want[: max(1, len(want) - 1)]):
            return False
    return True


def dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in version)
