"""What `bootstrap connections check` prints: one line per connection, the next step under each failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bootstrap.components.connections.probe import Reached
    from bootstrap.system.context import Context

MARKS = {"ok": "ok", "not_verified": "--", "sign_in": "--"}


def check_report(ctx: Context, results: list[Reached]) -> None:
    for reached in results:
        mark = MARKS.get(reached.kind, "FAILED")
        ctx.console.print(f"{mark:<6} {reached.name}: {ctx.tilde(reached.summary)}", markup=False)
        if reached.fix and not reached.ok:
            ctx.console.print(f"       next: {ctx.tilde(reached.fix)}", markup=False)
    failed = [r.name for r in results if not r.ok and r.kind not in MARKS]
    if failed:
        ctx.console.print(f"{len(failed)} of {len(results)} connection(s) could not run a query.", markup=False)
    else:
        ctx.console.print(f"Every connection that bootstrap can query ran `select 1` ({len(results)}).", markup=False)
