"""Answers to a profile's questions: from --answers, from the last run, or asked on a TTY."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Protocol

from bootstrap.profiles import conditions, yamlpos
from bootstrap.system import files
from bootstrap.system.errors import UserError, did_you_mean
from bootstrap.system.paths import Paths

if TYPE_CHECKING:
    from bootstrap.profiles.load import Loaded, ProfileInfo
    from bootstrap.profiles.schema import Prompt


@dataclass(frozen=True)
class Answers:
    """A mapping of question ids to values, and where each came from (for error lines)."""

    values: dict[str, Any] = field(default_factory=dict)
    profile: Optional[str] = None
    source: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, key: str) -> str:
        return f"{self.source}:{self.lines.get(key, 1)}"


def read(path: Path, shown: str) -> Answers:
    """An answers file: `profile:` (optional) and one `id: value` per question."""
    located = yamlpos.load(path, shown)
    data = located.data
    if data is None:
        return Answers(source=shown)
    if not isinstance(data, dict):
        raise UserError(
            f"{located.where(())}: an answers file is a map of 'question: answer' lines (for example `email: you@company.com`)"
        )
    profile = data.pop("profile", None)
    if profile is not None and not isinstance(profile, str):
        raise UserError(f"{located.where(('profile',))}: profile should be a profile name such as data-engineer")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise UserError(f"{located.where((key,))}: question ids are words, not {key!r}")
        if isinstance(value, (dict, list)):
            raise UserError(
                f"{located.where((key,))}: the answer to '{key}' should be a single value, not a list or map"
            )
        values[key] = value
    lines = {k: located.line_of((k,)) for k in [*values, "profile"]}
    return Answers(values, profile, shown, lines)


def remembered(paths: Paths, shown: str) -> Answers:
    if not paths.remembered.is_file():
        return Answers(source=shown)
    return read(paths.remembered, shown)


def optional(prompt: Prompt) -> bool:
    """A text question whose default is empty: leaving it empty skips what it is used for."""
    return prompt.type == "text" and prompt.default == ""


def problem(prompt: Prompt, value: Any, echo: bool = True) -> Optional[str]:
    """Why value cannot answer prompt, or None when it can.

    echo=False says only the hint (on a terminal the answer is right above it, and the line
    under the question is one row of the terminal, never wrapped)."""
    if value is None:
        if optional(prompt):
            return None
        return "is empty; write the answer after the colon, or leave the line out"
    if prompt.type == "confirm":
        return None if isinstance(value, bool) else "should be true or false"
    if isinstance(value, bool) or (isinstance(value, (int, float)) and prompt.type != "text"):
        return "should be text"
    text = str(value)
    if prompt.type == "select" and text not in (prompt.choices or []):
        return f"should be one of {', '.join(prompt.choices or [])}"
    if not text.strip():
        return None if optional(prompt) else "should not be empty"
    if prompt.pattern and not re.fullmatch(prompt.pattern, text):
        # the hint in words, never the regular expression: a new hire cannot read one
        hint = prompt.hint or "check it and type it again"
        if not echo:
            return hint[:1].upper() + hint[1:]
        shown = "" if prompt.type == "password" else f" ('{text}')"  # never echo a password
        return f"does not look right{shown}: {hint}"
    return None


def not_asked(prompt: Prompt) -> Any:
    """The answer of a question its `when` leaves out: its default, or empty (no) without one."""
    if prompt.default is not None:
        return prompt.default
    return False if prompt.type == "confirm" else ""


def _plain(prompt: Prompt, value: Any) -> Any:
    if value is None or (optional(prompt) and not str(value).strip()):
        return ""
    return value if prompt.type == "confirm" else str(value)


class Prompter(Protocol):
    def ask(self, prompt: Prompt, default: Any) -> Any: ...

    def choose_profile(self, options: list[ProfileInfo], default: Optional[str]) -> str: ...

    def confirm(self, message: str, default: bool) -> bool: ...


def gather(
    loaded: Loaded,
    needed: set[str],
    given: Answers,
    memory: Answers,
    prompter: Optional[Prompter],
) -> dict[str, Any]:
    """Every needed answer: given > remembered > asked (on a TTY) > the question's default.

    Without a prompter (--yes, or no TTY) a needed question without a default is an error.
    """
    prompts = {p.id: p for p in loaded.model.prompts}
    for key, value in given.values.items():
        if key not in prompts:
            known = ", ".join(prompts) or "none"
            hint = did_you_mean(key, prompts)
            raise UserError(
                f"{given.where(key)}: '{key}' is not a question of profile {loaded.name} ({hint}its questions: {known})"
            )
        why = problem(prompts[key], value)
        if why:
            shown = "the answer" if prompts[key].type == "password" else f"'{key}'"
            raise UserError(f"{given.where(key)}: {shown} {why}")
    result: dict[str, Any] = {}
    for pid, prompt in prompts.items():
        if prompt.when is not None and not conditions.asked(prompt.when, result, loaded.model.prompts):
            # left out by an earlier answer, whatever a file says: an empty start URL means no AWS
            if pid in given.values or pid in memory.values or pid in needed:
                result[pid] = not_asked(prompt)
        elif pid in given.values:
            result[pid] = _plain(prompt, given.values[pid])
        elif pid in memory.values and problem(prompt, memory.values[pid]) is None:
            result[pid] = _plain(prompt, memory.values[pid])
        elif pid not in needed:
            continue
        elif prompter is not None:
            result[pid] = prompter.ask(prompt, prompt.default)
        elif prompt.default is not None:
            result[pid] = prompt.default
        else:
            hint = f"`{pid}: ...` in an --answers file" if prompt.type != "password" else "a terminal to type it in"
            raise UserError(
                f"no answer for the question '{pid}' ({prompt.message}); give it with {hint}, or run without --yes in a terminal"
            )
    return result


def needed_questions(loaded: Loaded, components: list[str]) -> set[str]:
    """The questions a run of these components uses, plus those no component uses (asked always)."""
    used_anywhere = set().union(*loaded.answer_refs.values()) if loaded.answer_refs else set()
    selected = set().union(*(loaded.answer_refs.get(c, frozenset()) for c in components)) if components else set()
    return selected | {p.id for p in loaded.model.prompts if p.id not in used_anywhere}


def remembered_text(profile: str, answers: dict[str, Any], prompts: list[Prompt]) -> bytes:
    """The file that remembers the choice: the same format as --answers, never a password."""
    import yaml

    secret = {p.id for p in prompts if p.type == "password"}
    keep = {k: v for k, v in answers.items() if k not in secret}
    header = "# Remembered by bootstrap from your last run; usable as `bootstrap run --answers FILE`.\n"
    body = yaml.safe_dump({"profile": profile, **keep}, sort_keys=False, allow_unicode=True)
    return files.encode(header + body)
