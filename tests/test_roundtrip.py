"""run, run again, undo: over messy existing files, with real git, through the real engine."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import need
from tests.strategies import messy_gitconfig, messy_text_file
from tests.support.inprocess import converge, home_with, undo_last, user_files

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")


@given(gitconfig=st.one_of(st.none(), messy_gitconfig()), ignore=st.one_of(st.none(), messy_text_file()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_run_is_idempotent_and_undo_restores_every_byte(
    tmp_path: Path, gitconfig: Optional[bytes], ignore: Optional[bytes]
) -> None:
    need("git")
    home, answers = home_with(tmp_path, gitconfig, ignore)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        before = user_files(home)

        first = converge("data-scientist", answers)
        assert first.outcome is not None and first.outcome.ok, first.outcome
        after = user_files(home)
        email = subprocess.run(["git", "config", "--global", "user.email"], capture_output=True, text=True, check=True)
        assert email.stdout.strip() == "zoe@example.com"
        if gitconfig:  # every line the user had is still there
            kept = (home / ".gitconfig").read_bytes().replace(b"\r\n", b"\n")
            for line in gitconfig.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").split(b"\n"):
                assert line in kept

        second = converge("data-scientist", answers)
        assert second.outcome is None, "a second run found something to change"
        assert second.writes == 0 and second.journal is None
        assert user_files(home) == after

        undo_last()
        assert user_files(home) == before
