"""Secret references and the password managers that resolve them.

A reference (`pass://team/db`, `op://vault/item/field`, `bw://item/field`,
`keyring://service/user`) names a secret; only a backend turns it into a value, in memory, for
one child process. Values never go to argv, a file or a log: `Resolution` keeps its value out
of repr, and nothing in this package prints one.

Every backend answers three questions: can it be used at all (`status`), what do these many
references hold (`resolve`, one batch or concurrently, because a person with twenty secrets
should not wait twenty times), and put this value there (`store`, never overwriting silently).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Literal, Optional, Protocol

from bootstrap.profiles.schema import SECRET_REFERENCE
from bootstrap.system import parallel
from bootstrap.system.errors import Failure, UserError

if TYPE_CHECKING:
    from bootstrap.system.context import Context

# What can be wrong, told apart because each has a different fix.
State = Literal["ok", "not_installed", "signed_out", "locked", "not_found", "ambiguous", "error"]

SCHEMES: dict[str, str] = {
    "pass": "bootstrap.components.secrets.backends.passstore",
    "op": "bootstrap.components.secrets.backends.onepassword",
    "bw": "bootstrap.components.secrets.backends.bitwarden",
    "keyring": "bootstrap.components.secrets.backends.oskeyring",
}
LABELS = {"pass": "pass", "op": "1Password", "bw": "Bitwarden", "keyring": "the system keyring"}


@dataclass(frozen=True)
class Ref:
    """A parsed reference; `path` is everything after `scheme://`."""

    scheme: str
    path: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.path}"

    @property
    def parts(self) -> list[str]:
        return self.path.split("/")


def parse(text: str) -> Ref:
    """A reference, or UserError saying what a reference looks like (never echoing the text)."""
    if not SECRET_REFERENCE.match(text):
        raise UserError(
            "not a secret reference: use pass://path, op://vault/item/field, bw://item[/field] or keyring://service/user"
        )
    scheme, _, path = text.partition("://")
    return Ref(scheme, path)


@dataclass(frozen=True)
class Status:
    """Whether a backend can be used now, and the command that makes it so when it cannot."""

    state: State
    summary: str
    fix: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


@dataclass(frozen=True)
class Resolution:
    """What one reference holds; `value` stays out of repr so it cannot leak into a log."""

    ref: Ref
    state: State
    summary: str = ""
    fix: Optional[str] = None
    value: Optional[str] = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.state == "ok" and self.value is not None


class Backend(Protocol):
    SCHEME: str

    def status(self, ctx: Context) -> Status:
        """Installed, signed in, unlocked? Read-only and quick."""

    def resolve(self, ctx: Context, refs: list[Ref]) -> list[Resolution]:
        """Every reference at once, in the order given."""

    def exists(self, ctx: Context, ref: Ref) -> bool:
        """Whether an entry is already there (so `store` never replaces one unasked)."""

    def store(self, ctx: Context, ref: Ref, value: str) -> None:
        """Save value at ref; the caller has checked it does not exist or was told to replace it."""


def backend(scheme: str) -> Backend:
    module: Backend = importlib.import_module(SCHEMES[scheme])
    return module


def unusable(ref: Ref, status: Status) -> Resolution:
    return Resolution(ref, status.state, status.summary, status.fix)


def resolve_all(ctx: Context, refs: list[Ref]) -> dict[Ref, Resolution]:
    """Each backend once, all backends at the same time; a backend that cannot be used
    answers for all its references with its own state and fix."""
    by_scheme: dict[str, list[Ref]] = {}
    for ref in dict.fromkeys(refs):
        by_scheme.setdefault(ref.scheme, []).append(ref)

    def one(scheme: str) -> list[Resolution]:
        module = backend(scheme)
        status = module.status(ctx)
        if not status.ok:
            return [unusable(r, status) for r in by_scheme[scheme]]
        try:
            return module.resolve(ctx, by_scheme[scheme])
        except Failure as exc:  # the tool failed as a whole (a sync error): every reference says so
            return [Resolution(r, "error", str(exc), f"{scheme} --help") for r in by_scheme[scheme]]

    results: dict[Ref, Resolution] = {}
    if not by_scheme:
        return results
    for answers in parallel.each(one, list(by_scheme), workers=len(by_scheme)):
        results.update({r.ref: r for r in answers})
    return results


def concurrently(refs: list[Ref], fn: Callable[[Ref], Resolution], workers: int = 8) -> list[Resolution]:
    """For backends whose tool reads one entry per call."""
    if len(refs) <= 1:
        return [fn(r) for r in refs]
    return parallel.each(fn, refs, workers)
