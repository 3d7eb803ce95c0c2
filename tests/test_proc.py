"""The one way to run a program: what it gets of the person's terminal, and that it really ends."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pexpect
import pytest

from bootstrap.system.proc import TIMED_OUT, Runner


def tty_nr(stat: str) -> int:
    """The controlling terminal's device number from /proc/PID/stat (0: none)."""
    return int(stat.rsplit(")", 1)[1].split()[4])


def marked(marker: str) -> list[int]:
    """The processes whose environment carries this test's marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"PROC_TEST_MARKER={marker}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def wait_until_gone(marker: str, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while marked(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    return marked(marker)


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")

# Runs in a pseudo-terminal, as bootstrap does when a person types it: prints its own terminal,
# then what a captured program and an interactive one see.
IN_A_TERMINAL = textwrap.dedent(
    """
    import os
    from bootstrap.system.proc import Runner
    runner = Runner(os.environ)
    probe = "read a b c d e f g rest < /proc/self/stat; echo tty_nr=$g; (: </dev/tty) 2>/dev/null && echo dev-tty=yes || echo dev-tty=no"
    print("self", open("/proc/self/stat").read().rsplit(")", 1)[1].split()[4])
    print("captured", runner.run(["bash", "-c", probe]).stdout.replace("\\n", " "))
    """
)


def test_a_captured_program_has_no_controlling_terminal_even_when_bootstrap_has_one() -> None:
    child = pexpect.spawn(sys.executable, ["-c", IN_A_TERMINAL], encoding="utf-8", timeout=30, env=dict(os.environ))
    child.expect(pexpect.EOF)
    child.close()
    lines = dict(line.split(" ", 1) for line in (child.before or "").splitlines() if " " in line)
    assert int(lines["self"].strip()) != 0, "the test itself must run in a terminal"
    assert "tty_nr=0" in lines["captured"], lines
    assert "dev-tty=no" in lines["captured"], lines  # an interactive shell cannot grab it


def test_an_interactive_shell_probe_does_not_ask_for_the_terminal() -> None:
    # `bash -i` with a terminal puts itself in the foreground, and job control stops whoever
    # started it; without one it just runs (and says nothing about job control being off).
    result = Runner(os.environ).run(["bash", "--norc", "-i", "-c", "echo ran"], timeout=30)
    assert result.ok and result.stdout.strip() == "ran"


def test_a_timeout_ends_the_programs_whole_session(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    started = time.monotonic()
    result = Runner({**os.environ, "PROC_TEST_MARKER": marker}).run(["sh", "-c", "sleep 100 & sleep 100"], timeout=1)
    assert result.returncode == TIMED_OUT
    assert time.monotonic() - started < 10  # the grandchild holding the output pipe did not keep us waiting
    assert wait_until_gone(marker) == []


def test_input_still_reaches_the_program() -> None:
    assert Runner(os.environ).run(["cat"], input="hello\n").stdout == "hello\n"


STOPPED_WHILE_WAITING = textwrap.dedent(
    """
    import os, signal, sys, threading, time
    from bootstrap.system import parallel
    from bootstrap.system.errors import Stopped
    from bootstrap.system.proc import Runner

    runner = Runner(os.environ)

    def long(_: int) -> str:
        return runner.run(["sh", "-c", "sleep 100 & sleep 100"], timeout=300).stdout

    threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGTERM)).start()
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(Stopped(signum)))
    started = time.monotonic()
    try:
        parallel.each(long, [1, 2, 3], workers=3)
    except Stopped:
        print("stopped after", round(time.monotonic() - started))
    try:
        runner.run(["true"])
    except Stopped:
        print("refused a new program")
    """
)


def test_a_stop_ends_every_running_program_and_starts_no_new_one() -> None:
    marker = uuid.uuid4().hex
    env = {**os.environ, "PROC_TEST_MARKER": marker}
    result = subprocess.run(
        [sys.executable, "-c", STOPPED_WHILE_WAITING], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("stopped after ") and int(lines[0].split()[-1]) <= 5, lines
    assert lines[1] == "refused a new program"
    assert wait_until_gone(marker) == []
