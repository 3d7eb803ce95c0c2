"""`when:` values of questions, packages, dotfiles and AWS sections: an answer decides.

A `when:` holds when its text, with the answers filled in, is anything but empty, false, no,
off or 0: a yes to a yes/no question, or a text question that was answered (an optional
question left empty switches off what depends on it).

Until the question is answered (a plan before the first run, doctor on a new machine), the
question's default decides, so that plan shows exactly what run will do.

A question's own `when:` names questions asked before it: it is asked only when that holds
(an empty AWS start URL skips the other AWS questions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from bootstrap.profiles.schema import Profile, Prompt

FALSE = {"", "false", "no", "off", "0"}
# an answer not given yet: still as written (doctor), or the placeholder plan shows (runs.prepare)
ANSWER = re.compile(r"\{\{\s*answers\.([a-z][a-z0-9_]*)\s*\}\}")
UNANSWERED = re.compile(r"\{\{\s*answers\.([a-z][a-z0-9_]*)\s*\}\}|<your answer to '([a-z][a-z0-9_]*)'>")


def holds(when: Optional[str], profile: Profile) -> bool:
    """Whether a section with this `when:` (answers filled in already) is set up."""
    return _holds(when, profile.prompts)


def asked(when: Optional[str], answers: Mapping[str, Any], prompts: Sequence[Prompt]) -> bool:
    """Whether a question with this `when:` is asked, given the answers so far."""
    if when is None:
        return True

    def fill(match: re.Match[str]) -> str:
        pid = match.group(1)
        if pid not in answers:
            return match.group(0)
        value = answers[pid]
        return str(value).lower() if isinstance(value, bool) else str(value)

    return _holds(ANSWER.sub(fill, when), prompts)


def _holds(when: Optional[str], prompts: Sequence[Prompt]) -> bool:
    if when is None:
        return True
    text = when.strip()
    match = UNANSWERED.fullmatch(text)
    if match:
        pid = match.group(1) or match.group(2)
        default = next((p.default for p in prompts if p.id == pid), None)
        return default is not None and str(default).strip().lower() not in FALSE
    return text.lower() not in FALSE


def unanswered(value: str) -> bool:
    """Whether value is an answer still to be given (checked once it is filled in)."""
    return UNANSWERED.fullmatch(value.strip()) is not None
