"""Questions on a terminal, through questionary (imported only when a question is asked)."""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING, Any, Optional

from bootstrap.system.errors import Cancelled

if TYPE_CHECKING:
    from bootstrap.profiles.load import ProfileInfo
    from bootstrap.profiles.schema import Prompt


def _wrapped(text: str, width: int) -> str:
    """The description as questionary shows it ("  Description: ...", then lines indented by two)."""
    lead = "  Description: "
    wrapped = textwrap.fill(text, width, initial_indent=lead, subsequent_indent="  ", break_on_hyphens=False)
    return wrapped[len(lead) :]


def _answer(question: Any) -> Any:
    try:
        value = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Cancelled("cancelled; nothing was changed") from None
    return value


def _keys(message: str, keys: dict[str, str], default: str) -> Any:
    """A question answered by one key (either case) or Enter for the default, as questionary's
    confirm is; it shows the answer's word once given."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.keys import Keys
    from questionary.question import Question
    from questionary.styles import merge_styles_default

    chosen: dict[str, str] = {}

    def tokens() -> Any:
        shown = [("class:qmark", "?"), ("class:question", f" {message} ")]
        if "answer" in chosen:
            shown.append(("class:answer", chosen["answer"].capitalize()))
        return shown

    bindings = KeyBindings()

    @bindings.add(Keys.ControlC, eager=True)
    @bindings.add(Keys.ControlQ, eager=True)
    def _interrupt(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    def choose(value: str) -> Any:
        def handler(event: KeyPressEvent) -> None:
            chosen["answer"] = value
            event.app.exit(result=value)

        return handler

    for key, value in keys.items():
        bindings.add(key.lower())(choose(value))
        bindings.add(key.upper())(choose(value))
    bindings.add(Keys.ControlM, eager=True)(choose(default))

    @bindings.add(Keys.Any)
    def _other(event: KeyPressEvent) -> None:
        """Other keys do nothing."""

    session: Any = PromptSession(tokens, key_bindings=bindings, style=merge_styles_default([None]))
    return Question(session.app)


class TerminalPrompter:
    """Asks on the user's terminal; answers are checked by the same rules as --answers files."""

    def ask(self, prompt: Prompt, default: Any) -> Any:
        import questionary

        from bootstrap.profiles.answers import problem

        def validate(text: str) -> Any:
            return problem(prompt, text, echo=False) or True

        if prompt.type == "confirm":
            return bool(_answer(questionary.confirm(prompt.message, default=bool(default))))
        if prompt.type == "select":
            return _answer(questionary.select(prompt.message, choices=prompt.choices or [], default=default))
        if prompt.type == "password":
            return _answer(questionary.password(prompt.message, validate=validate))
        return _answer(questionary.text(prompt.message, default=str(default or ""), validate=validate))

    def choose_profile(self, options: list[ProfileInfo], default: Optional[str]) -> str:
        import questionary

        from bootstrap.profiles.load import describe

        # One line per role, and the highlighted role's description below the list, wrapped to
        # the terminal (the menu never wraps its own lines: a long title would be cut).
        width = max(40, shutil.get_terminal_size().columns - 1)
        choices = [
            questionary.Choice(title=info.name, value=info.name, description=_wrapped(describe(info), width) or None)
            for info in options
        ]
        chosen = _answer(questionary.select("Which role fits you best?", choices=choices, default=default))
        return str(chosen)

    def confirm(self, message: str, default: bool) -> bool:
        import questionary

        return bool(_answer(questionary.confirm(message, default=default)))

    def review(self, message: str, default: bool) -> str:
        """Yes, no, or "diffs" (the key d): one key press, like a yes/no question."""
        return str(_answer(_keys(message, {"y": "yes", "n": "no", "d": "diffs"}, "yes" if default else "no")))

    def secret(self, message: str) -> str:
        """A hidden answer (a passphrase): never echoed, never remembered."""
        import questionary

        return str(_answer(questionary.password(message)))

    def wait_for(self, message: str, word: str, *others: str) -> str:
        """Hold on until the person types `word` (they are doing something in a browser), or one
        of `others` (such as "later"); the word they typed."""
        import questionary

        words = (word, *others)
        hint = " or ".join(words)

        def validate(text: str) -> Any:
            return text.strip().lower() in words or f"type {hint}"

        return str(_answer(questionary.text(message, validate=validate))).strip().lower()
