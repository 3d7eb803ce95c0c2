"""A run killed with SIGKILL at any moment leaves every file either old or new, and undoable."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import bootstrap, snapshot

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")

OLD_GITCONFIG = b"[alias]\r\n\tco = checkout\r\n# >>> conda initialize >>>\r\n# <<< conda initialize <<<"
OLD_IGNORE = "\ufeff*.log\nnode_modules/".encode()
TARGETS = {".gitconfig": OLD_GITCONFIG, ".config/git/ignore": OLD_IGNORE}


def _prepare(home: Path) -> None:
    for name, data in TARGETS.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(data)


def _wait_until_written(path: Path, data: bytes, proc: subprocess.Popen[bytes]) -> None:
    # Timing alone would make the "killed after a write" case depend on how busy the machine is.
    deadline = time.monotonic() + 60
    while path.read_bytes() != data and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_old_or_new(tmp_path: Path, home: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("name: Grace Hopper\nemail: grace@example.com\n")
    argv = [sys.executable, "-m", "bootstrap", "run", "--yes", "--profile", "data-engineer", "--answers", str(answers)]

    reference = tmp_path / "reference"
    reference.mkdir()
    _prepare(reference)
    started = time.monotonic()
    subprocess.run(argv, env={**os.environ, "HOME": str(reference)}, check=True, capture_output=True)
    duration = time.monotonic() - started
    new = {name: (reference / name).read_bytes() for name in TARGETS}
    assert all(new[n] != TARGETS[n] for n in TARGETS)

    rng = random.Random(20261122)
    outcomes = set()
    for attempt in range(16):
        victim = tmp_path / f"victim{attempt}"
        victim.mkdir()
        _prepare(victim)
        original = snapshot(victim)
        proc = subprocess.Popen(
            argv, env={**os.environ, "HOME": str(victim)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if attempt == 0:
            time.sleep(0.05)  # surely before any write
        elif attempt == 1:
            _wait_until_written(victim / ".gitconfig", new[".gitconfig"], proc)  # surely after one
        else:
            time.sleep(rng.uniform(0.5, 1.0) * duration)  # the writes happen in the second half of a run
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for name in TARGETS:
            data = (victim / name).read_bytes()
            assert data in (TARGETS[name], new[name]), f"{name} is neither old nor new after a kill"
            outcomes.add((name, data == new[name]))
        # a later run finishes the job, sweeps stray temp files, and undo twice restores the start
        finish = subprocess.run(argv, env={**os.environ, "HOME": str(victim)}, capture_output=True, text=True)
        assert finish.returncode == 0, finish.stdout + finish.stderr
        state = victim / ".local" / "state" / "bootstrap"  # a killed run's own journal folder may keep one
        assert not [p for p in victim.rglob("*.bootstrap-tmp") if state not in p.parents]
        for name in TARGETS:
            assert (victim / name).read_bytes() == new[name]
        for _ in range(2):
            bootstrap("undo", "--yes", env={"HOME": str(victim)})
        for name, data in TARGETS.items():
            assert (victim / name).read_bytes() == data
        mine = {k: v for k, v in snapshot(victim).items() if not k.startswith(".local")}
        assert mine == {k: v for k, v in original.items() if not k.startswith(".local")}
    # the kills landed both before and after the writes
    assert {seen for _, seen in outcomes} == {True, False}, outcomes
