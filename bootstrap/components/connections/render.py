"""What `bootstrap connections check` prints: one line per connection, the next step under each
failure; wrapped to the terminal's width at spaces, a command never split."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bootstrap.components.connections.probe import Reached
    from bootstrap.system.context import Context

MARKS = {"ok": "ok", "not_verified": "--", "sign_in": "--"}
INDENT = " " * 7


def _wrapped(text: str, first: str, width: int) -> str:
    return textwrap.fill(
        text, width=max(width, 40), initial_indent=first, subsequent_indent=INDENT,
        break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip


COMMANDS = ("bootstrap", "duckdb", "bq", "databricks", "GRANT", "CREATE", "/")


def _command(text: str, width: int) -> str:
    """A command on a line of its own, never split: at the indent when it fits, else at the margin."""
    return INDENT + text if len(INDENT + text) <= width else text


def _next_step(ctx: Context, fix: str, width: int) -> None:
    command, _, why = fix.partition("   (")
    sentence, colon, statement = command.rpartition(": ")
    if command.startswith(COMMANDS):
        one = f"{INDENT}next: {command}"
        lines = [one] if len(one) <= width else [f"{INDENT}next:", _command(command, width)]
    elif colon and statement.startswith(COMMANDS):  # "ask ... to run: GRANT ..."
        lines = [_wrapped(f"next: {sentence}:", INDENT, width), _command(statement, width)]
    else:
        lines = [_wrapped(f"next: {command}", INDENT, width)]
    if why:
        lines.append(_wrapped(f"({why}", INDENT, width))
    for line in lines:
        ctx.console.print(line, markup=False)


def check_report(ctx: Context, results: list[Reached]) -> None:
    width = ctx.console.width
    for reached in results:
        mark = MARKS.get(reached.kind, "FAILED")
        ctx.console.print(_wrapped(f"{reached.name}: {ctx.tilde(reached.summary)}", f"{mark:<6} ", width), markup=False)
        if reached.fix and not reached.ok:
            _next_step(ctx, ctx.tilde(reached.fix), width)
    failed = [r.name for r in results if not r.ok and r.kind not in MARKS]
    if failed:
        ctx.console.print(
            _wrapped(
                f"{len(failed)} of {len(results)} connection(s) could not run a query: {', '.join(failed)}.", "", width
            ),
            markup=False,
        )
    else:
        ctx.console.print(f"Every connection that bootstrap can query ran `select 1` ({len(results)}).", markup=False)
