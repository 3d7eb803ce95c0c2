"""What doctor reports: one Finding per check, the worst one deciding the exit code."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Literal, Optional, TypeVar

T = TypeVar("T")
Status = Literal["ok", "info", "warning", "error", "skipped"]
SEVERITY: dict[str, int] = {"ok": 0, "skipped": 0, "info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Outcome:
    """What one check found; every outcome that is not ok carries a fix."""

    status: Status
    summary: str
    fix: Optional[str] = None
    docs: Optional[str] = None


@dataclass(frozen=True)
class Check:
    """A small read-only probe. Checks never prompt and never change anything."""

    id: str
    component: str
    run: Callable[[], Outcome]


@dataclass(frozen=True)
class Finding:
    id: str
    component: str
    status: Status
    summary: str
    fix: Optional[str]
    docs: Optional[str]
    duration_ms: int


def ok(summary: str) -> Outcome:
    return Outcome("ok", summary)


def worst(findings: list[Finding]) -> Status:
    if any(f.status == "error" for f in findings):
        return "error"
    if any(f.status == "warning" for f in findings):
        return "warning"
    return "ok"


def once(fn: Callable[[], T]) -> Callable[[], T]:
    """A probe several checks share: checks run in threads, and only the first one calls it."""
    lock = threading.Lock()
    box: list[T] = []

    def cached() -> T:
        with lock:
            if not box:
                box.append(fn())
            return box[0]

    return cached
