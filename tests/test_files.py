"""The safe file engine: managed blocks, atomic journaled writes, byte-exact undo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootstrap.system import files
from tests.strategies import messy_text_file, safe_text

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(original=messy_text_file(), body=st.lists(safe_text, max_size=5))
@FAST
def test_block_is_idempotent_and_keeps_everything_else(original: bytes, body: list[str]) -> None:
    text = files.decode(original)
    once = files.with_block(text, "test", body)
    assert files.with_block(once, "test", body) == once
    assert files.block_body(once, "test") == body
    # the user's text is still there, in front of our block, untouched but for a final newline
    span = files.find_block(once, "test")
    assert span is not None
    before_block = once[: span[0]]
    assert before_block in (text, text + files.newline_of(text) if text else "")
    assert files.encode(once[: len(text)]) == original


@given(original=messy_text_file(), first=st.lists(safe_text, max_size=3), second=st.lists(safe_text, max_size=3))
@FAST
def test_block_update_replaces_only_the_block(original: bytes, first: list[str], second: list[str]) -> None:
    text = files.decode(original)
    updated = files.with_block(files.with_block(text, "test", first), "test", second)
    assert updated == files.with_block(text, "test", second)


@given(original=messy_text_file())
@FAST
def test_block_uses_the_files_line_endings(original: bytes) -> None:
    text = files.decode(original)
    result = files.with_block(text, "test", ["x"])
    if "\r\n" in text and text.count("\r\n") * 2 >= text.count("\n"):
        assert "# >>> bootstrap test >>>\r\nx\r\n" in result


def test_damaged_block_is_refused_with_its_lines() -> None:
    text = "a\n# >>> bootstrap test >>>\nx\n"
    with pytest.raises(files.DamagedBlock, match="lines 2"):
        files.with_block(text, "test", ["y"])
    twice = "# >>> bootstrap t >>>\n# <<< bootstrap t <<<\n# >>> bootstrap t >>>\n# <<< bootstrap t <<<\n"
    with pytest.raises(files.DamagedBlock, match="1, 2, 3, 4"):
        files.block_body(twice, "t")


def _writer(state: Path) -> files.Writer:
    return files.Writer(files.Journal(state / "runs", "run", "bootstrap run"))


@given(
    original=st.one_of(st.none(), messy_text_file()), new=messy_text_file(), mode=st.sampled_from([0o600, 0o644, 0o640])
)
@FAST
def test_write_then_undo_restores_every_byte_and_mode(
    tmp_path: Path, original: bytes | None, new: bytes, mode: int
) -> None:
    case = Path(os.path.join(tmp_path, os.urandom(4).hex()))
    target = case / "deep" / "dir" / "file"
    if original is not None:
        target.parent.mkdir(parents=True)
        target.write_bytes(original)
        target.chmod(mode)
    writer = _writer(case / "state")
    changed = writer.write(target, new)
    assert changed == (new != original)
    assert target.read_bytes() == new
    if original is not None:
        assert files.mode_of(target) == mode  # the user's mode is kept
    items = files.plan_undo(writer.journal)
    assert not any(i.changed_since for i in items)
    files.apply_undo(writer.journal, items, _writer(case / "state"), force=False)
    if original is None:
        assert not target.exists()
        assert not (case / "deep").exists()  # folders the run made are gone too
    else:
        assert target.read_bytes() == original
        assert files.mode_of(target) == mode


def test_unchanged_content_is_not_written_and_leaves_no_journal(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"same\n")
    before = target.stat()
    writer = _writer(tmp_path / "state")
    assert writer.write(target, b"same\n") is False
    assert target.stat().st_mtime_ns == before.st_mtime_ns and target.stat().st_ino == before.st_ino
    writer.journal.finish()
    assert not (tmp_path / "state").exists()


def test_write_goes_through_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "gitconfig"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    link = tmp_path / ".gitconfig"
    link.symlink_to(real)
    writer = _writer(tmp_path / "state")
    writer.write(link, b"new\n")
    assert link.is_symlink(), "a dotfile manager's link must survive"
    assert real.read_bytes() == b"new\n"
    files.apply_undo(writer.journal, files.plan_undo(writer.journal), _writer(tmp_path / "state"), force=False)
    assert link.is_symlink() and real.read_bytes() == b"old\n"


def test_undo_leaves_a_file_changed_since_the_run_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"before\n")
    writer = _writer(tmp_path / "state")
    writer.write(target, b"ours\n")
    target.write_bytes(b"ours\nand the user's edit\n")
    items = files.plan_undo(writer.journal)
    assert items[0].changed_since
    assert "-and the user's edit" in items[0].diff("f")
    skipped = files.apply_undo(writer.journal, items, _writer(tmp_path / "state"), force=False)
    assert skipped and target.read_bytes() == b"ours\nand the user's edit\n"
    assert writer.journal.undone_by is None, "still undoable with --force"
    files.apply_undo(writer.journal, files.plan_undo(writer.journal), _writer(tmp_path / "state"), force=True)
    assert target.read_bytes() == b"before\n"


def test_journal_is_written_before_the_file(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"old\n")
    writer = _writer(tmp_path / "state")
    writer.write(target, b"new\n")
    journal = files.load_journal(writer.journal.folder)
    entry = journal.files[0]
    assert entry["after_sha256"] == files.sha256(b"new\n")
    assert (journal.folder / entry["backup"]).read_bytes() == b"old\n"
    assert files.mode_of(journal.folder / entry["backup"]) == 0o600


def test_second_run_is_refused_while_one_holds_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "run.lock"
    with (
        files.run_lock(lock, "lock"),
        pytest.raises(files.Failure, match="already working"),
        files.run_lock(lock, "lock"),
    ):
        pass
    with files.run_lock(lock, "lock"):  # released afterwards
        pass


def test_shell_files_get_lf_lines_even_when_the_file_uses_crlf() -> None:
    result = files.with_block("a\r\nb", "path", ["x"], newline="\n")
    assert result == "a\r\nb\n# >>> bootstrap path >>>\nx\n# <<< bootstrap path <<<\n"
