"""Run every check at once and gather the findings; rendering lives in render.py."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from bootstrap import components
from bootstrap.system import parallel
from bootstrap.system.findings import Check, Finding, Outcome, Status, worst

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Profile
    from bootstrap.system.context import Context


@dataclass(frozen=True)
class Report:
    profile: str
    findings: list[Finding]
    wall_ms: int

    @property
    def status(self) -> Status:
        return worst(self.findings)


def _timed(check: Check) -> Finding:
    started = time.monotonic()
    try:
        outcome = check.run()
    except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
        outcome = Outcome(
            "error",
            f"this check itself failed ({type(exc).__name__}: {exc})",
            "please report this to the bootstrap maintainers with `bootstrap doctor --report`",
        )
    return Finding(
        check.id,
        check.component,
        outcome.status,
        outcome.summary,
        outcome.fix,
        outcome.docs,
        int((time.monotonic() - started) * 1000),
    )


def _broken(message: str) -> Callable[[], Outcome]:
    return lambda: Outcome("error", message, "bootstrap doctor --report")


def gather(ctx: Context, profile: Profile, names: list[str]) -> list[Check]:
    found: list[Check] = []
    for name in names:
        try:
            found += components.get(name).checks(ctx, profile)
        except Exception as exc:  # noqa: BLE001
            found.append(Check(f"{name}.checks", name, _broken(f"could not prepare the {name} checks ({exc})")))
    if ctx.held:  # one warning for every setting that waits, not one per setting
        found.append(Check("trust.settings", ctx.held[0].component, lambda: _waiting_for_trust(ctx)))
    return found


def _waiting_for_trust(ctx: Context) -> Outcome:
    count = len(ctx.held)
    names = ", ".join(s.summary.split(" (", 1)[0] for s in ctx.held[:3]) + (", ..." if count > 3 else "")
    fixes = sorted({s.fix for s in ctx.held if s.fix})
    return Outcome(
        "warning",
        f"{count} setting{'s' if count != 1 else ''} of this profile that can run programs ({names}) "
        f"{'is' if count == 1 else 'are'} not trusted yet, so bootstrap left {'it' if count == 1 else 'them'} out; "
        f"read {'it' if count == 1 else 'them'} and allow {'it' if count == 1 else 'them'} with "
        + " or ".join(f"`{f}`" for f in fixes),
        " && ".join(fixes),
    )


def diagnose(ctx: Context, profile_name: str, profile: Profile, names: list[str], unsupported: list[str]) -> Report:
    """Every check of the selected components, concurrently; order of the findings is stable."""
    started = time.monotonic()
    checks = gather(ctx, profile, names)
    findings = parallel.each(_timed, checks, workers=16)
    for name in unsupported:
        findings.append(
            Finding(
                f"{name}.support",
                name,
                "info",
                f"your profile configures {name}, which this version of bootstrap does not set up yet",
                None,
                None,
                0,
            )
        )
    return Report(profile_name, findings, int((time.monotonic() - started) * 1000))
