"""Questions on a terminal, through questionary (imported only when a question is asked)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from bootstrap.errors import Cancelled

if TYPE_CHECKING:
    from bootstrap.profiles import ProfileInfo
    from bootstrap.schema import Prompt


def _answer(question: Any) -> Any:
    try:
        value = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Cancelled("cancelled; nothing was changed") from None
    return value


class TerminalPrompter:
    """Asks on the user's terminal; answers are checked by the same rules as --answers files."""

    def ask(self, prompt: Prompt, default: Any) -> Any:
        import questionary

        from bootstrap.answers import problem

        def validate(text: str) -> Any:
            return problem(prompt, text) or True

        if prompt.type == "confirm":
            return bool(_answer(questionary.confirm(prompt.message, default=bool(default))))
        if prompt.type == "select":
            return _answer(questionary.select(prompt.message, choices=prompt.choices or [], default=default))
        if prompt.type == "password":
            return _answer(questionary.password(prompt.message, validate=validate))
        return _answer(questionary.text(prompt.message, default=str(default or ""), validate=validate))

    def choose_profile(self, options: list[ProfileInfo], default: Optional[str]) -> str:
        import questionary

        from bootstrap.profiles import describe

        described = [(info.name, describe(info)) for info in options]
        choices = [
            questionary.Choice(title=f"{name}: {text}" if text else name, value=name) for name, text in described
        ]
        chosen = _answer(questionary.select("Which role fits you best?", choices=choices, default=default))
        return str(chosen)

    def confirm(self, message: str, default: bool) -> bool:
        import questionary

        return bool(_answer(questionary.confirm(message, default=default)))

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
