"""Dotfiles: Jinja2 templates rendered with the profile and answers, written by the file engine.

Templates run in Jinja's immutable sandbox with StrictUndefined: a team's template can read
the profile but cannot call into Python or change anything, and a misspelled variable is an
error naming the template and line instead of an empty setting. A template that renders to
nothing (say, the pip configuration of a profile without an internal index) writes no file.

A target whose content bootstrap did not write last (the user's own file, or one they edited)
is replaced only with its diff shown in the plan; its old bytes stay in the run's journal for
`bootstrap undo`. A target that other bootstrap components share (git's global ignore file, a
file with another bootstrap block) gets the template as a block of its own instead, so nothing
of theirs is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from bootstrap.profiles import conditions
from bootstrap.profiles.schema import Dotfile, Profile
from bootstrap.system import files
from bootstrap.system.context import Context
from bootstrap.system.errors import UserError
from bootstrap.system.findings import Check, Outcome, ok
from bootstrap.system.managed import Owned
from bootstrap.system.paths import builtin_dotfiles
from bootstrap.system.steps import Applier, FileChange, Step

if TYPE_CHECKING:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

NAME = "dotfiles"
REQUIRES: tuple[str, ...] = ()
FIX_RUN = "bootstrap run --only dotfiles"
_BLOCK_MARK = re.compile(r"^\s*# >>> bootstrap (.+?) >>>\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Rendered:
    """One dotfile: where it goes and what it holds."""

    entry: Dotfile
    target: Path
    content: bytes  # b"" when the template rendered to nothing: no file is written


def enabled(profile: Profile) -> list[Dotfile]:
    return [e for e in profile.components.dotfiles or [] if conditions.holds(e.when, profile)]


def template_path(ctx: Context, name: str) -> Path:
    """A built-in template by name, or a team's template by path (~/..., /...)."""
    if name.startswith(("~", "/")):
        return ctx.expand(name)
    return builtin_dotfiles() / name


def _environment(folder: Path) -> ImmutableSandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(folder)),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def template_vars(ctx: Context, profile: Profile) -> dict[str, Any]:
    """What templates see: the merged profile, the answers, and a few facts about the machine."""
    answers: dict[str, Any] = {p.id: p.default for p in profile.prompts if p.default is not None}
    answers.update({p.id: f"<your answer to '{p.id}'>" for p in profile.prompts if p.id not in answers})
    answers.update(ctx.answers)
    # Files are plain text on disk: a password answer must never reach one through a template.
    for prompt in profile.prompts:
        if prompt.type == "password":
            answers.pop(prompt.id, None)
    data = profile.model_dump(mode="json", by_alias=True)
    packages = data["components"].get("packages") or {}
    return {
        "answers": answers,
        "profile": data,
        "components": data["components"],
        "index_url": packages.get("index_url"),
        "platform": {"os": ctx.platform.os, "family": ctx.platform.family, "arch": ctx.platform.arch},
        "home": str(ctx.home),
    }


def render_template(ctx: Context, name: str, variables: dict[str, Any]) -> str:
    """The template's text; any mistake in it is a UserError naming the template and line."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
    from jinja2.exceptions import SecurityError

    path = template_path(ctx, name)
    if not path.is_file():
        known = ", ".join(sorted(p.name for p in builtin_dotfiles().iterdir() if p.is_file() and p.suffix != ".md"))
        raise UserError(f"dotfile template '{name}' does not exist (built-in templates: {known})")
    shown = name if not name.startswith(("~", "/")) else ctx.tilde(path)
    try:
        return _environment(path.parent).get_template(path.name).render(**variables)
    except TemplateSyntaxError as exc:
        raise UserError(f"dotfile template {shown}, line {exc.lineno}: {exc.message}") from None
    except TemplateNotFound as exc:
        raise UserError(f"dotfile template {shown}: it includes '{exc.name}', which does not exist") from None
    except SecurityError as exc:
        raise UserError(
            f"dotfile template {shown}, line {_line(exc, path)}: not allowed in a template ({exc})"
        ) from None
    except TemplateError as exc:
        raise UserError(f"dotfile template {shown}, line {_line(exc, path)}: {exc.message}") from None


def _line(exc: BaseException, path: Path) -> str:
    """Jinja rewrites tracebacks so that the template's own frames carry its line numbers."""
    tb = exc.__traceback__
    line: Optional[int] = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return str(line) if line is not None else "?"


def rendered(ctx: Context, profile: Profile) -> list[Rendered]:
    entries = enabled(profile)
    if not entries:
        return []
    variables = template_vars(ctx, profile)
    out = []
    for entry in entries:
        text = render_template(ctx, entry.template, variables)
        out.append(Rendered(entry, ctx.expand(entry.target), files.encode(text) if text.strip() else b""))
    return out


# --- where a dotfile shares its target ------------------------------------------------------


def _git_excludes(ctx: Context, profile: Profile) -> Optional[Path]:
    """git's global ignore file, where the git component keeps its own block."""
    if profile.components.git is None:
        return None
    from bootstrap.components.git import component as git

    return git.excludes_file(ctx, git.read_effective(ctx))


def block_name(entry: Dotfile) -> str:
    return f"dotfile {entry.template}"


def shares_target(item: Rendered, current: Optional[bytes], git_excludes: Optional[Path]) -> bool:
    """Other bootstrap blocks live (or will live) in this file: write ours as a block too."""
    if item.target == git_excludes:
        return True
    text = files.decode(current or b"")
    return any(name != block_name(item.entry) for name in _BLOCK_MARK.findall(text))


def _block_lines(item: Rendered) -> list[str]:
    return files.decode(item.content).rstrip("\n").split("\n")


def written_by_us(ctx: Context, path: Path, content: bytes) -> bool:
    """Whether these bytes are what some bootstrap run last wrote there (not the user's edit)."""
    return (str(path), files.sha256(content)) in files.written_by_runs(ctx.paths.runs)


# --- plan -----------------------------------------------------------------------------------


def plan(ctx: Context, profile: Profile) -> list[Step]:
    steps = []
    items = rendered(ctx, profile)
    git_excludes = _git_excludes(ctx, profile) if items else None
    for item in items:
        if not item.content:
            continue
        target = files.real_target(item.target)
        before = files.read(target)
        label = ctx.tilde(item.target)
        if shares_target(item, before, git_excludes):
            step = _block_step(ctx, item, target, before, label)
            if step is not None:
                steps.append(step)
            continue
        if before == item.content and not _needs_mode(item, target):
            continue
        if before == item.content:
            summary = f"Make {label} a program that runs (as template {item.entry.template} says)"
        elif before is None:
            summary = f"Create {label} (from template {item.entry.template})"
        elif written_by_us(ctx, target, before):
            summary = f"Update {label} (template {item.entry.template} changed)"
        else:
            summary = (
                f"Replace {label} with template {item.entry.template}; the file has changes of yours "
                "(see the diff), which are kept: `bootstrap undo` puts them back"
            )
        steps.append(Step(NAME, summary, changes=(FileChange(item.target, before, item.content, _mode(item, target)),)))
    return steps


def _mode(item: Rendered, target: Path) -> Optional[int]:
    """An executable dotfile gets the execute bits (0o755 when new); others keep their mode."""
    if not item.entry.executable:
        return None
    current = files.mode_of(target)
    return 0o755 if current is None else current | 0o111


def _needs_mode(item: Rendered, target: Path) -> bool:
    mode = files.mode_of(target)
    return item.entry.executable and mode is not None and mode & 0o100 == 0


def _block_step(ctx: Context, item: Rendered, target: Path, before: Optional[bytes], label: str) -> Optional[Step]:
    name = block_name(item.entry)
    lines = _block_lines(item)
    if files.block_body(files.decode(before or b""), name) == lines:
        return None

    def write(applier: Applier) -> None:
        # computed when applied: git may have added its own block to this file in the same run
        now = files.read(target)
        text = files.with_block(files.decode(now or b""), name, lines)
        applier.writer.write(item.target, files.encode(text))

    return Step(
        NAME,
        f"Add template {item.entry.template} to {label}, beside what other parts of bootstrap keep there",
        later="the block is placed after the rest of the run has written to this file",
        apply=write,
    )


# --- what the profile owns (for letting go when it drops a file) -----------------------------


def owned(ctx: Context, profile: Profile) -> list[Owned]:
    items = [item for item in rendered(ctx, profile) if item.content]
    git_excludes = _git_excludes(ctx, profile) if items else None
    out = []
    for item in items:
        current = files.read(files.real_target(item.target))
        if shares_target(item, current, git_excludes):
            out.append(Owned("block", str(item.target), block_name(item.entry)))
        else:
            out.append(Owned("file", str(item.target)))
    return out


# --- doctor ---------------------------------------------------------------------------------


def checks(ctx: Context, profile: Profile) -> list[Check]:
    entries = enabled(profile)
    if not entries:
        return []

    def all_files() -> Outcome:
        try:
            items = rendered(ctx, profile)
        except UserError as exc:
            return Outcome("error", ctx.tilde(exc), "fix the template (or ask the profile's owner to)")
        missing, differ = [], []
        git_excludes = _git_excludes(ctx, profile)
        for item in items:
            if not item.content:
                continue
            target = files.real_target(item.target)
            current = files.read(target)
            if shares_target(item, current, git_excludes):
                body = files.block_body(files.decode(current or b""), block_name(item.entry))
                good = body == _block_lines(item)
            else:
                good = current == item.content and not _needs_mode(item, target)
            if current is None:
                missing.append(ctx.tilde(item.target))
            elif not good:
                differ.append(ctx.tilde(item.target))
        if missing or differ:
            parts = []
            if missing:
                parts.append(f"missing: {', '.join(missing)}")
            if differ:
                parts.append(f"different from the profile's templates: {', '.join(differ)}")
            return Outcome(
                "warning",
                "some settings files are not as the profile says (" + "; ".join(parts) + ")",
                f"bootstrap plan --only dotfiles shows the differences; {FIX_RUN} writes them",
            )
        written = sum(1 for i in items if i.content)
        return ok(f"{written} settings file{'s are' if written != 1 else ' is'} as the profile says")

    return [Check("dotfiles.files", NAME, all_files)]
