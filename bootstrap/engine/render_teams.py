"""How team sources look: what a source holds, the commands to trust, an update's differences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from bootstrap.engine.render import _diff
from bootstrap.profiles import covered

if TYPE_CHECKING:
    from rich.console import Console

    from bootstrap.profiles.sources import Fetched, TeamSource, Update
    from bootstrap.profiles.trust import Review, Setting, Source
    from bootstrap.system.context import Context


def _say(console: Console, text: str, style: str = "") -> None:
    console.print(text, style=style or None, markup=False, highlight=False)


def commands(console: Console, source: Source, review: Optional[Review] = None) -> None:
    """Everything trusting allows, grouped: commands in full, then each covered setting with its
    value as written. With a review, each is marked new or changed (or trusted already)."""
    states = {id(c): state for _, c, state in review.commands} if review else {}
    if source.commands:
        _say(console, "Commands, run as you:", "bold")
    for where, command in source.commands:
        mark = _mark(states.get(id(command)))
        _say(console, f"  • {command.get('name', '(no name)')}   ({where}{mark})", "bold")
        for label in ("run", "unless"):
            text = command.get(label)
            if text is None:
                continue
            lines = str(text).splitlines() or [""]
            _say(console, f"      {label}: {lines[0]}", "cyan")
            for line in lines[1:]:
                _say(console, f"           {line}", "cyan")
    settings(console, source, review)


def _mark(state: Optional[str]) -> str:
    from bootstrap.profiles import trust

    return {trust.NEW: ", new", trust.CHANGED: ", changed", trust.TRUSTED: ", trusted already"}.get(state or "", "")


def _shown(setting: Setting) -> str:
    import json

    value = setting.value
    if setting.group == covered.FILES_GROUP and isinstance(value, dict):
        how = ", made a program that runs" if value.get("executable") else ""
        return f"{setting.what}: from template {value.get('template')}{how}"
    if isinstance(value, dict) and str(value.get("name")) in setting.what:
        rest = {k: v for k, v in value.items() if k != "name"}
        return f"{setting.what}" + (f" ({json.dumps(rest, sort_keys=True, default=str)})" if rest else "")
    if isinstance(value, str) and setting.what.endswith(value):
        return setting.what
    shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return f"{setting.what}: {shown}"


def settings(console: Console, source: Source, review: Optional[Review] = None) -> None:
    """Every setting that can run a program, with its value as written, in the summary's groups."""
    states = {id(s): state for s, state in review.settings} if review else {}
    for group in covered.GROUPS:
        found = [s for s in source.settings if s.group == group]
        if not found:
            continue
        _say(console, f"{group[0].upper()}{group[1:]}:", "bold")
        for setting in found:
            _say(console, f"  • {_shown(setting)}   ({setting.file}{_mark(states.get(id(setting)))})", "cyan")


def fetched(console: Console, item: Fetched) -> None:
    pinned = item.pin[:12]
    _say(console, f"Team '{item.name}' from {item.url} ({'commit' if item.kind == 'git' else 'content'} {pinned}):")
    for path in sorted(item.contents):
        stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        _say(console, f"  {item.name}/{stem:<24} {path}")
    source = item.trust_source
    if source.commands:
        _say(console, f"It has {len(source.commands)} shell command(s). They never run until you trust them:")
        commands(console, source)
    elif source.covered:
        _say(console, "It has settings that never apply until you trust them:")
        settings(console, source)


def added(
    console: Console, source: TeamSource, names: list[str], trusted: bool, has_commands: bool, run_follows: bool = False
) -> None:
    _say(console, f"Added team '{source.name}', pinned to {source.pin[:12]}.", "green")
    if names and not run_follows:  # install.sh starts that run next: no instruction to do it
        _say(console, f"Set it up with: bootstrap run --profile {names[0]}")
    if has_commands and not trusted:
        _say(
            console,
            f"Its commands and settings that can run programs apply only after: bootstrap profile trust {source.name}",
        )
    elif has_commands:
        _say(console, "Its commands and settings are trusted (--trust).")


def update(console: Console, item: Update) -> None:
    name = item.source.name
    if not item.changed:
        _say(console, f"Team '{name}' is up to date ({item.source.pin[:12]}).")
        return
    _say(console, f"Team '{name}': {item.source.pin[:12]} → {item.new_pin[:12]}")
    if not item.diffs:
        _say(console, "  No profile changed (only other files of the repository).")
    for diff in item.diffs:
        parts = f": {', '.join(diff.sections)}" if diff.sections else ""
        _say(console, f"  {diff.profile} ({diff.path}) {diff.status}{parts}", "bold")
        _diff(console, diff.diff)
    if item.commands_changed and (item.review is None or item.review.pending):
        _say(
            console,
            "Its commands or settings that can run programs changed. After this update the new and changed "
            "ones apply only once you trust them (the others stay trusted):",
            "yellow",
        )
        commands(console, item.new_trust, item.review)
    elif item.needs_trust:
        _say(console, f"Its commands are not trusted yet: bootstrap profile trust {name}")


def next_after_update(ctx: Context, moved: list[tuple[str, bool]]) -> None:
    """The command to run next, once teams moved: trust what changed, then run."""
    from bootstrap.components.shell.path import typed

    trusts = [typed(ctx, "profile", "trust", name) for name, untrusted in moved if untrusted]
    run = typed(ctx, "run")
    _say(ctx.console, f"Next: {', '.join(trusts)}, then {run}" if trusts else f"Next: {run}")
