"""`when:` values of packages and dotfiles: an answered yes/no question decides.

Until the question is answered (a plan before the first run, doctor on a new machine), the
question's default decides, so that plan shows exactly what run will do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from bootstrap.schema import Profile

TRUE = {"true", "yes", "on", "1"}
# an answer not given yet: still as written (doctor), or the placeholder plan shows (runs.prepare)
_UNANSWERED = re.compile(r"\{\{\s*answers\.([a-z][a-z0-9_]*)\s*\}\}|<your answer to '([a-z][a-z0-9_]*)'>")


def holds(when: Optional[str], profile: Profile) -> bool:
    if when is None:
        return True
    text = when.strip()
    match = _UNANSWERED.fullmatch(text)
    if match:
        pid = match.group(1) or match.group(2)
        default = next((p.default for p in profile.prompts if p.id == pid), None)
        return str(default).lower() in TRUE
    return text.lower() in TRUE
