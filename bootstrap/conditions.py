"""`when:` values of packages, dotfiles and AWS sections: an answer decides.

A `when:` holds when its text, with the answers filled in, is anything but empty, false, no,
off or 0: a yes to a yes/no question, or a text question that was answered (an optional
question left empty switches off what depends on it).

Until the question is answered (a plan before the first run, doctor on a new machine), the
question's default decides, so that plan shows exactly what run will do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from bootstrap.schema import Profile

FALSE = {"", "false", "no", "off", "0"}
# an answer not given yet: still as written (doctor), or the placeholder plan shows (runs.prepare)
UNANSWERED = re.compile(r"\{\{\s*answers\.([a-z][a-z0-9_]*)\s*\}\}|<your answer to '([a-z][a-z0-9_]*)'>")


def holds(when: Optional[str], profile: Profile) -> bool:
    if when is None:
        return True
    text = when.strip()
    match = UNANSWERED.fullmatch(text)
    if match:
        pid = match.group(1) or match.group(2)
        default = next((p.default for p in profile.prompts if p.id == pid), None)
        return default is not None and str(default).strip().lower() not in FALSE
    return text.lower() not in FALSE


def unanswered(value: str) -> bool:
    """Whether value is an answer still to be given (checked once it is filled in)."""
    return UNANSWERED.fullmatch(value.strip()) is not None
