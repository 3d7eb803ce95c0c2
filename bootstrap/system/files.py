"""The one way to change a user's file: atomic writes, managed blocks, a run journal, undo.

Every change goes through a `Writer`, which first copies the old bytes into the run's journal
folder, records what the file will look like afterwards, and only then swaps the new content in
with a rename. A run killed at any moment leaves each file either old or new, and `undo` can
put back every byte.
"""

from __future__ import annotations

import contextlib
import difflib
import glob
import hashlib
import json
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from bootstrap.system.errors import Failure, UserError

DEFAULT_MODE = 0o644
JOURNAL = "journal.json"


# --- bytes and text -----------------------------------------------------------------------
# Users' files are not always valid UTF-8. surrogateescape lets us edit the part we own and
# hand back every other byte exactly as it was.


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def sha256(data: Optional[bytes]) -> Optional[str]:
    return None if data is None else hashlib.sha256(data).hexdigest()


def read(path: Path) -> Optional[bytes]:
    """The file's bytes, or None when there is no such file."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def newline_of(text: str) -> str:
    """The line ending the file already uses, so our lines look like the user's."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def unified_diff(label: str, before: Optional[bytes], after: Optional[bytes]) -> str:
    old = decode(before or b"").splitlines(keepends=True)
    new = decode(after or b"").splitlines(keepends=True)
    lines = difflib.unified_diff(
        old,
        new,
        fromfile=label if before is not None else "/dev/null",
        tofile=label if after is not None else "/dev/null",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# --- managed blocks -------------------------------------------------------------------------


class DamagedBlock(UserError):
    """Our markers are there but not as we left them: a person must look before we touch it."""


def _markers(name: str, comment: str) -> tuple[str, str]:
    return f"{comment} >>> bootstrap {name} >>>", f"{comment} <<< bootstrap {name} <<<"


def find_block(text: str, name: str, comment: str = "#") -> Optional[tuple[int, int]]:
    """Character span of the block (begin marker to end of end-marker line), or None."""
    begin, end = _markers(name, comment)
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n").strip() == begin]
    ends = [i for i, line in enumerate(lines) if line.rstrip("\r\n").strip() == end]
    if not starts and not ends:
        return None
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        where = ", ".join(str(i + 1) for i in sorted(starts + ends))
        raise DamagedBlock(
            f"the bootstrap '{name}' block has been edited by hand (markers on lines {where}); "
            "fix or remove the markers, then run again"
        )
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets[starts[0]], offsets[ends[0] + 1]


def with_block(text: str, name: str, body: list[str], comment: str = "#", newline: Optional[str] = None) -> str:
    """The text with our block holding exactly `body`; everything around it untouched.

    A new block goes at the end, after a line break if the file lacked a final one. Lines end
    like the file's own, unless `newline` says otherwise: shells read a CR as part of a
    command, so shell start-up files always get "\n".
    """
    nl = newline or (newline_of(text) if text else "\n")
    begin, end = _markers(name, comment)
    block = nl.join([begin, *body, end]) + nl
    span = find_block(text, name, comment)
    if span is not None:
        return text[: span[0]] + block + text[span[1] :]
    if text and not text.endswith(("\n", "\r")):
        text += nl
    return text + block


def without_block(text: str, name: str, comment: str = "#") -> str:
    """The text with our block cut out (unchanged when it has none)."""
    span = find_block(text, name, comment)
    return text if span is None else text[: span[0]] + text[span[1] :]


def block_body(text: str, name: str, comment: str = "#") -> Optional[list[str]]:
    """The lines between our markers, or None when the block is absent."""
    span = find_block(text, name, comment)
    if span is None:
        return None
    return [line.rstrip("\r\n") for line in text[span[0] : span[1]].splitlines()[1:-1]]


# --- atomic writes --------------------------------------------------------------------------


def real_target(path: Path) -> Path:
    """Write through symlinks (dotfile managers link files into home; keep their links)."""
    return path.resolve() if path.is_symlink() else path


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


TMP_SUFFIX = ".bootstrap-tmp"


def atomic_write(path: Path, data: bytes, mode: int) -> None:
    """Replace path's content in one rename: readers see the old file or the new, never half.

    A process killed mid-write can leave only a stray temp file beside path, never a half file;
    the next write to path sweeps such leftovers away.
    """
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*{TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def mode_of(path: Path) -> Optional[int]:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


# --- the run journal ------------------------------------------------------------------------


def new_run_id() -> str:
    # Runs are ordered by id ("undo the last run"): two runs in one second must still sort by
    # time, so the suffix starts with the milliseconds; runs never overlap (the run lock), and
    # the last hex digit only keeps ids apart.
    now = time.time()
    millis = int(now * 1000) % 1000
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f"-{millis:03d}{secrets.token_hex(1)[0]}"


@dataclass
class Journal:
    """What one run changed, written before each change so that a killed run can be undone."""

    runs_dir: Path
    kind: str  # "run" | "undo" | "install" | "terraform" | "terragrunt" (a command's own steps)
    command: str
    profile: Optional[str] = None
    undoes: Optional[str] = None
    id: str = field(default_factory=new_run_id)
    files: list[dict[str, Any]] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)
    installed: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    finished: Optional[str] = None
    undone_by: Optional[str] = None

    @property
    def folder(self) -> Path:
        return self.runs_dir / self.id

    @property
    def in_effect(self) -> bool:
        """A run (not an undo) whose changes no undo has taken back."""
        return self.kind != "undo" and self.undone_by is None

    @property
    def used(self) -> bool:
        return bool(self.files or self.dirs or self.installed or self.removed)

    def entry(self, path: Path) -> Optional[dict[str, Any]]:
        return next((e for e in self.files if e["path"] == str(path)), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "id": self.id,
            "kind": self.kind,
            "command": self.command,
            "profile": self.profile,
            "started": self.started,
            "finished": self.finished,
            "undoes": self.undoes,
            "undone_by": self.undone_by,
            "files": self.files,
            "dirs": self.dirs,
            "installed": self.installed,
            "removed": self.removed,
        }

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = (json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n").encode()
        atomic_write(self.folder / JOURNAL, data, 0o600)

    def backup(self, index: int, data: bytes) -> str:
        name = f"backups/{index}"
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, 0o600)
        return name

    def finish(self) -> None:
        if self.used:
            self.finished = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            self.save()


def load_journal(folder: Path) -> Journal:
    raw = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
    return Journal(
        runs_dir=folder.parent,
        kind=raw["kind"],
        command=raw.get("command", ""),
        profile=raw.get("profile"),
        undoes=raw.get("undoes"),
        id=raw["id"],
        files=raw.get("files", []),
        dirs=raw.get("dirs", []),
        installed=raw.get("installed", []),
        removed=raw.get("removed", []),
        started=raw.get("started", ""),
        finished=raw.get("finished"),
        undone_by=raw.get("undone_by"),
    )


def list_journals(runs_dir: Path) -> list[Journal]:
    """Every recorded run, oldest first."""
    if not runs_dir.is_dir():
        return []
    found = []
    for folder in sorted(runs_dir.iterdir()):
        if (folder / JOURNAL).is_file():
            with contextlib.suppress(ValueError, KeyError, OSError):
                found.append(load_journal(folder))
    return found


def written_by_runs(runs_dir: Path) -> set[tuple[str, Optional[str]]]:
    """(path, digest) of every file content a run (not undone, and not an undo) wrote: bytes
    found there again are bootstrap's, not the person's."""
    return {
        (entry["path"], entry.get("after_sha256"))
        for journal in list_journals(runs_dir)
        if journal.in_effect
        for entry in journal.files
    }


# --- the writer -----------------------------------------------------------------------------


class Writer:
    """Changes users' files on behalf of one run, journaling each change before making it."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.writes = 0

    def write(self, path: Path, content: bytes, mode: Optional[int] = None) -> bool:
        """Make `path` hold `content`; False (and no write at all) when it already does."""
        target = real_target(path)
        current = read(target)
        current_mode = mode_of(target) if current is not None else None
        wanted_mode = mode if mode is not None else (current_mode or DEFAULT_MODE)
        if current == content and current_mode == wanted_mode:
            return False
        self._record(target, current, current_mode, content, wanted_mode)
        self._make_parents(target.parent)
        atomic_write(target, content, wanted_mode)
        self.writes += 1
        return True

    def remove(self, path: Path) -> bool:
        target = real_target(path)
        current = read(target)
        if current is None:
            return False
        self._record(target, current, mode_of(target), None, None)
        target.unlink()
        _fsync_dir(target.parent)
        self.writes += 1
        return True

    def installed(self, what: str, remove: str) -> None:
        """Software the run installed: undo lists it with how to remove it, never removes it."""
        self.journal.installed.append({"what": what, "remove": remove})
        self.journal.save()

    def removed(self, what: str, reinstall: str) -> None:
        """Software the run uninstalled: undo lists it with how to install it again, never installs."""
        self.journal.removed.append({"what": what, "reinstall": reinstall})
        self.journal.save()

    def _record(
        self,
        target: Path,
        before: Optional[bytes],
        mode_before: Optional[int],
        after: Optional[bytes],
        mode_after: Optional[int],
    ) -> None:
        entry = self.journal.entry(target)
        if entry is None:
            entry = {"path": str(target), "existed": before is not None, "mode_before": mode_before}
            if before is not None:
                entry["backup"] = self.journal.backup(len(self.journal.files), before)
            self.journal.files.append(entry)
        entry["after_sha256"] = sha256(after)
        entry["mode_after"] = mode_after
        self.journal.save()

    def _make_parents(self, directory: Path) -> None:
        missing = []
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        if not missing:
            return
        # Journaled before they exist: a run killed between mkdir and save would otherwise leave
        # a folder that no undo knows of (undo skips folders that are missing or not empty).
        self.journal.dirs.extend(str(folder) for folder in reversed(missing))
        self.journal.save()
        for folder in reversed(missing):
            folder.mkdir(mode=0o755, exist_ok=True)


# --- undo -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoItem:
    """What undo will do to one file."""

    path: Path
    restore: Optional[bytes]  # None: the run created the file, so undo deletes it
    mode: Optional[int]
    current: Optional[bytes]
    changed_since: bool  # someone edited the file after the run: left alone without --force

    @property
    def needed(self) -> bool:
        return self.current != self.restore

    def diff(self, label: str) -> str:
        return unified_diff(label, self.current, self.restore)


def plan_undo(journal: Journal) -> list[UndoItem]:
    items = []
    for entry in journal.files:
        path = Path(entry["path"])
        before = read(journal.folder / entry["backup"]) if entry.get("backup") else None
        if entry.get("existed") and before is None:
            raise Failure(f"the backup of {path} from run {journal.id} is missing; cannot undo it")
        current = read(path)
        changed = sha256(current) != entry.get("after_sha256") and current != before
        items.append(UndoItem(path, before, entry.get("mode_before"), current, changed))
    return items


def apply_undo(journal: Journal, items: list[UndoItem], writer: Writer, force: bool) -> list[UndoItem]:
    """Restore the files; returns the ones left alone because they changed since the run."""
    skipped = []
    for item in items:
        if item.changed_since and not force:
            skipped.append(item)
            continue
        if item.restore is None:
            writer.remove(item.path)
        else:
            writer.write(item.path, item.restore, item.mode or DEFAULT_MODE)
    for folder in reversed(journal.dirs):
        with contextlib.suppress(OSError):
            Path(folder).rmdir()  # only when empty: anything the user put there stays
    if not skipped:  # a run with files left alone stays undoable with --force
        journal.undone_by = writer.journal.id
        journal.save()
    return skipped


# --- one run at a time ----------------------------------------------------------------------


@contextlib.contextmanager
def run_lock(lock_path: Path, shown_as: str) -> Iterator[None]:
    """Hold the run lock; a second run gets a clear message instead of a tangle."""
    import fcntl  # POSIX only, as are the platforms we set up; filelock costs 60 ms to import

    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Failure(
                f"another bootstrap run is already working; wait for it to finish, then try again (lock: {shown_as})"
            ) from None
        yield  # nothing is written into the lock: a converged re-run must write no file at all
    finally:
        os.close(fd)
