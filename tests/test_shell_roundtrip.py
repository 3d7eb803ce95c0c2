"""Messy rc files (other tools' blocks, CRLF, no final newline): run, run again, undo byte for byte."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import messy_text_file
from tests.support.inprocess import converge, undo_last, user_files

PROFILE = (
    "schema: 1\ncomponents:\n  shell: {shells: [bash, zsh, fish], env: {EDITOR: nano}, aliases: {gs: git status}}\n"
)
RC_FILES = [".bashrc", ".profile", ".bash_profile", ".zshrc", ".zprofile", ".config/fish/conf.d/bootstrap.fish"]
LOGIN_FILES = {".profile", ".bash_profile", ".zprofile"}


LEGACY = (
    b"# >>> bootstrap path >>>\n"
    b'case ":${PATH}:" in *":$HOME/.local/bin:"*) ;; *) PATH="$HOME/.local/bin:$PATH"; export PATH ;; esac\n'
    b"# <<< bootstrap path <<<\n"
)


@st.composite
def login_file(draw: st.DrawFn) -> Optional[bytes]:
    """A messy file, sometimes with the PATH block an older `bootstrap ensure-path` left."""
    data = draw(st.one_of(st.none(), messy_text_file()))
    if data is not None and draw(st.booleans()):
        data = data + (b"" if data.endswith(b"\n") or not data else b"\n") + LEGACY
    return data


@given(
    rc=st.fixed_dictionaries(
        {name: login_file() if name in LOGIN_FILES else st.one_of(st.none(), messy_text_file()) for name in RC_FILES}
    )
)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_run_is_idempotent_and_undo_restores_every_byte(tmp_path: Path, rc: dict[str, Optional[bytes]]) -> None:
    case = tmp_path / os.urandom(6).hex()
    home = case / "home"
    home.mkdir(parents=True)
    profile = case / "team.yaml"
    profile.write_text(PROFILE)
    for name, data in rc.items():
        if data is not None:
            (home / name).parent.mkdir(parents=True, exist_ok=True)
            (home / name).write_bytes(data)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        before = user_files(home)

        first = converge(str(profile), only="shell")
        assert first.outcome is not None and first.outcome.ok, first.outcome
        for name, data in rc.items():  # the user's bytes come first, untouched; then at most our block
            now = (home / name).read_bytes() if (home / name).exists() else None
            if data and now != data and LEGACY not in data:
                assert now is not None and now.startswith(data), name
            if now is not None:  # the old PATH block is gone wherever it was: one block does PATH now
                assert b"bootstrap path" not in now, name
            if now is not None:
                assert now.count(b"# >>> bootstrap shell >>>") <= 1, name
        for name in (".bashrc", ".zshrc", ".config/fish/conf.d/bootstrap.fish"):
            assert (home / name).read_bytes().count(b"# >>> bootstrap shell >>>") == 1, name
        after = user_files(home)

        second = converge(str(profile), only="shell")
        assert second.outcome is None, "a second run found something to change"
        assert second.writes == 0 and second.journal is None
        assert user_files(home) == after

        undo_last()
        assert user_files(home) == before
