"""What `bootstrap secrets ...` prints: states, fixes and file:line, never a value."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bootstrap.components.secrets.backends.environ import Checked
    from bootstrap.components.secrets.scan import Hit
    from bootstrap.system.context import Context

_WORDS = {
    "ok": "ok",
    "not_installed": "not installed",
    "signed_out": "not signed in",
    "locked": "locked",
    "not_found": "missing",
    "ambiguous": "ambiguous",
    "error": "error",
}


def check_table(ctx: Context, checked: Checked) -> None:
    console = ctx.console
    width = max(len(n) for n in checked.entries)
    fixes: dict[str, str] = {}
    values = checked.values()
    for name, entry in checked.entries.items():
        problems = checked.problems(name)
        refs = ", ".join(str(r) for r in entry.refs) or "(no reference)"
        if not problems:
            length = len(values[name])
            console.print(f"{name:<{width}}  ok          {refs}  ({length} characters)", markup=False)
            continue
        worst = problems[0]
        console.print(f"{name:<{width}}  {_WORDS[worst.state]:<10}  {ctx.tilde(worst.summary)}", markup=False)
        if worst.fix:
            fixes.setdefault(worst.fix, worst.summary)
    if fixes:
        console.print("\nTo fix:", markup=False)
        for fix in fixes:
            console.print(f"  {ctx.tilde(fix)}", markup=False)


def missing(ctx: Context, checked: Checked, allow: bool) -> None:
    console = ctx.err_console
    for name in checked.missing:
        problem = checked.problems(name)[0]
        fix = f"; fix: {problem.fix}" if problem.fix else ""
        console.print(f"bootstrap: {name}: {ctx.tilde(problem.summary)}{ctx.tilde(fix)}", markup=False)
    if allow:
        console.print(f"bootstrap: running without {', '.join(checked.missing)} (--allow-missing)", markup=False)
    else:
        console.print(
            "bootstrap: the command was not started (use --allow-missing to run it without them)", markup=False
        )


def scan_report(ctx: Context, hits: list[Hit], scanned: int, silenced: int = 0) -> None:
    from bootstrap.components.secrets.scan import IGNORE_FILE

    console = ctx.console
    for hit in hits:
        console.print(f"{ctx.tilde(hit.path)}:{hit.line}: {hit.kind}: {hit.masked}", markup=False, soft_wrap=True)
        console.print(f"  not a secret? add to {IGNORE_FILE}: {hit.ignore_line}", markup=False, soft_wrap=True)
    quiet = f" ({silenced} silenced by {IGNORE_FILE})" if silenced else ""
    if hits:
        console.print(
            f"\n{len(hits)} likely secret(s) in plain text{quiet}. Move each into your password manager "
            "(bootstrap secrets set NAME), put its reference in the file instead, and change the "
            "secret if the file was ever shared or committed. A finding that is not a secret: add the "
            f"line shown under it to {IGNORE_FILE} at the repository's root, or end its line with a "
            "`bootstrap: allow-secret` comment.",
            markup=False,
        )
    else:
        console.print(f"No plaintext secrets found in {scanned} file(s){quiet}.", markup=False)
