"""How doctor's findings look: the screen for people, JSON for machines, a report for the team chat.

The screen is built as plain lines wrapped to the terminal's width (`screen`), then printed
(`show`): problems first, each with what is wrong and the fix; one line per component; one
closing line with the next step. Nothing is ever cut: text that does not fit wraps.
"""

from __future__ import annotations

import json
import platform as _platform
import re
import textwrap
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Optional

from bootstrap import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from bootstrap.engine.doctor import Report
    from bootstrap.system.context import Context
    from bootstrap.system.findings import Finding

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)*")
MARK = {"ok": "✓", "info": "i", "warning": "!", "error": "✗", "skipped": "-"}
STYLE = {"ok": "green", "info": "cyan", "warning": "yellow", "error": "red", "skipped": "dim"}
ORDER = {"error": 0, "warning": 1, "info": 2}  # the order problems are shown in
FIX = "Fix: "
INDENT = "  "
MIN_WIDTH = 30  # below this, wrapping would make every word its own line


@dataclass(frozen=True)
class Line:
    """One line of the screen, already wrapped; spans are (start, end, style) within it."""

    text: str
    style: Optional[str] = None
    spans: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class Setup:
    """What doctor knows about the machine beyond the findings."""

    done: bool  # a run of bootstrap has set this machine up (it remembered a profile)
    first_run: str = "bootstrap"  # the command that sets it up
    program: str = "bootstrap"  # how to type bootstrap in this terminal (in full when PATH lacks it)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def wrap(text: str, width: int, first: str = "", rest: str = "", whole_words: bool = False) -> list[str]:
    """text after `first`, continued after `rest`, each line at most width characters.

    Lines break at spaces only (never inside a word at a hyphen, so ids, emails and paths stay
    whole where they fit). A word longer than the line is split (summaries) or, with
    whole_words, left whole on a line of its own (commands: the terminal wraps it, and copying
    it from the screen gives the command without a break).
    """
    width = max(width, MIN_WIDTH)
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n") or [""]):
        lead = first if number == 0 else rest
        wrapped = textwrap.wrap(
            paragraph,
            width=width,
            initial_indent=lead,
            subsequent_indent=rest,
            break_on_hyphens=False,
            break_long_words=not whole_words,
            drop_whitespace=True,
        )
        lines += wrapped or [lead.rstrip()]
    return lines


def _problem(finding: Finding, width: int) -> list[Line]:
    """What is wrong (its id first, so that two similar problems can be told apart) and the fix."""
    head = wrap(f"{finding.id}: {finding.summary}", width, first=f"{MARK[finding.status]} ", rest=INDENT)
    lines = [Line(head[0], spans=((0, 1, STYLE[finding.status]), (2, 2 + len(finding.id), "bold")))]
    lines += [Line(text) for text in head[1:]]
    if finding.fix:
        hang = INDENT + " " * len(FIX)
        lines += [Line(text, "cyan") for text in wrap(finding.fix, width, INDENT + FIX, hang, whole_words=True)]
    return lines


def _covered_by_first_run(finding: Finding) -> bool:
    """A problem that the first run fixes anyway: on a machine never set up, its fix is `bootstrap`."""
    return bool(finding.fix and "bootstrap run" in finding.fix)


def _component(name: str, pad: int, findings: list[Finding], width: int, show_all: bool) -> list[Line]:
    counts = {status: sum(f.status == status for f in findings) for status in MARK}
    worst = next((s for s in ("error", "warning") if counts[s]), "ok")
    fine = counts["ok"] + counts["info"]
    words = _plural(len(findings), "check")
    if fine == len(findings):
        words += " fine"
    else:
        parts = [f"{fine} fine"] if fine else []
        parts += [_plural(counts[s], s) for s in ("error", "warning") if counts[s]]
        parts += [f"{counts['skipped']} skipped"] if counts["skipped"] else []
        words += ": " + ", ".join(parts)
    head = wrap(words, width, first=f"{MARK[worst]} {name:<{pad}}  ", rest=" " * (pad + 4))
    lines = [Line(head[0], spans=((0, 1, STYLE[worst]), (2, 2 + len(name), "bold")))]
    lines += [Line(text) for text in head[1:]]
    if show_all:  # the problems are above; here what is fine, or was not checked
        for finding in findings:
            if finding.status not in ("ok", "skipped"):
                continue
            style = "dim" if finding.status == "skipped" else None
            rows = wrap(f"{finding.id}: {finding.summary}", width, f"    {MARK[finding.status]} ", " " * 6)
            lines.append(Line(rows[0], style, spans=((4, 5, STYLE[finding.status]),)))
            lines += [Line(text, style) for text in rows[1:]]
    return lines


def screen(
    report: Report, setup: Setup, width: int, tilde: Callable[[object], str] = str, show_all: bool = False
) -> list[Line]:
    """The doctor screen as lines no wider than width (but for a command longer than a line)."""
    findings = [_shown(f, tilde) for f in report.findings]
    problems = sorted((f for f in findings if f.status in ORDER), key=lambda f: ORDER[f.status])
    broken = [f for f in problems if f.status in ("error", "warning")]
    covered = [f for f in broken if not setup.done and _covered_by_first_run(f)]
    lines: list[Line] = []
    if not setup.done:
        why = " (it asks which role fits you)" if setup.first_run == "bootstrap" else ""
        advice = f"This computer has not been set up by bootstrap yet: run `{setup.first_run}`{why}."
        lines += [Line(t, "bold") for t in wrap(advice, width)]
    lines += [Line(t) for t in wrap(f"Profile {report.profile}: {_plural(len(findings), 'check')}", width)]
    if problems:
        lines.append(Line(""))
    if covered:
        ids = ", ".join(f.id for f in covered)
        lines += [
            Line(t) for t in wrap(f"These checks fail until it has run: {ids}", width, rest=INDENT, whole_words=True)
        ]
        if len(covered) < len(problems):
            lines.append(Line(""))
    for finding in problems:
        if finding not in covered:
            lines += _problem(finding, width)
    components: dict[str, list[Finding]] = {}
    for finding in findings:
        components.setdefault(finding.component, []).append(finding)
    if components:
        lines.append(Line(""))
        pad = max(len(name) for name in components)
        for name, members in components.items():
            lines += _component(name, pad, members, width, show_all)
    lines.append(Line(""))
    lines += [Line(t, _closing_style(broken)) for t in wrap(closing(broken, covered, setup), width)]
    return lines


def _shown(finding: Finding, tilde: Callable[[object], str]) -> Finding:
    """The finding with the home directory shown as ~ everywhere a person reads it."""
    return replace(
        finding, id=tilde(finding.id), summary=tilde(finding.summary), fix=tilde(finding.fix) if finding.fix else None
    )


def closing(broken: list[Finding], covered: list[Finding], setup: Setup) -> str:
    """The one next step."""
    left = len(broken) - len(covered)
    if not setup.done:
        then = f"fix the {_plural(left, 'problem')} shown with a fix above, and run " if left else "run "
        return f"Next: run `{setup.first_run}`, then {then}`{setup.program} doctor` again."
    if not broken:
        return "Everything works."
    return f"Fix the {_plural(left, 'problem')} above, then run `{setup.program} doctor` again."


def _closing_style(broken: list[Finding]) -> str:
    if any(f.status == "error" for f in broken):
        return "red"
    return "yellow" if broken else "green"


def show(console: Console, lines: list[Line]) -> None:
    from rich.text import Text

    for line in lines:
        text = Text(line.text, style=line.style or "")
        for start, end, style in line.spans:
            text.stylize(style, start, end)
        # soft_wrap: the lines are wrapped already; a longer command is left to the terminal, whole
        console.print(text, soft_wrap=True, highlight=False)


def doctor_screen(ctx: Context, console: Console, report: Report, setup: Setup, show_all: bool = False) -> None:
    show(console, screen(report, setup, console.width, ctx.tilde, show_all))


# --- for machines and the team chat ---------------------------------------------------------


def doctor_json(ctx: Context, report: Report) -> str:
    data: dict[str, Any] = {
        "schema": 1,
        "version": __version__,
        "status": report.status,
        "profile": report.profile,
        "checks": [
            {
                "id": f.id,
                "component": f.component,
                "status": f.status,
                "summary": ctx.tilde(f.summary),
                "fix": ctx.tilde(f.fix) if f.fix else None,
                "docs": f.docs,
                "duration_ms": f.duration_ms,
            }
            for f in report.findings
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def redactor(ctx: Context, personal: dict[str, Any]) -> Any:
    """Hide what identifies the person: home, user name, and the answers they typed."""
    user = ctx.env.get("USER") or ctx.env.get("LOGNAME") or ctx.home.name
    values = sorted((str(v) for k, v in personal.items() if isinstance(v, str) and len(v) > 2), key=len, reverse=True)

    def redact(text: str) -> str:
        text = ctx.tilde(text)
        for value in values:
            text = text.replace(value, "<redacted>")
        text = EMAIL.sub("<email>", text)
        if user and len(user) > 2:
            text = re.sub(rf"(?<![\w.-]){re.escape(user)}(?![\w-])", "<user>", text)
        return text

    return redact


def doctor_markdown(ctx: Context, report: Report, personal: dict[str, Any]) -> str:
    """A report a new hire can paste into the team chat: no secrets, no names, no home paths."""
    redact = redactor(ctx, personal)
    shell = ctx.login_shell.rsplit("/", 1)[-1]
    lines = [
        "### bootstrap doctor report",
        "",
        f"- bootstrap {__version__}, Python {_platform.python_version()}",
        f"- {ctx.platform.describe()} ({ctx.platform.arch}), login shell {shell}",
        f"- profile: {redact(report.profile)}",
        f"- result: **{report.status}** ({len(report.findings)} checks)",
        "",
    ]
    problems = [f for f in report.findings if f.status not in ("ok", "skipped")]
    if not problems:
        lines.append("All checks passed.")
    else:
        lines += ["| status | check | what we found | fix |", "|---|---|---|---|"]
        for f in problems:
            cells = [f.status, f.id, redact(f.summary), f"`{redact(f.fix)}`" if f.fix else ""]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
