"""Doctor at a real terminal whose shell has job control: it finishes every time, and when it is
stopped (Ctrl-C, SIGTERM, a closed terminal) it leaves no temporary folder and no program behind.

Doctor's shell checks start interactive shells (`bash -i`) to ask what they complete. With the
person's terminal, such a shell takes it over and job control stops doctor (`[1]+ Stopped`).
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import bootstrap, need
from tests.support.shells import link_bootstrap, shell_env
from tests.support.tmux import Pane

pytestmark = pytest.mark.slow

PROFILE = "schema: 1\ncomponents:\n  git: {}\n  shell: {shells: [bash, zsh, fish]}\n"
MARKER = "BOOTSTRAP_TEST_MARKER"
# What each shell prints when a job of its own was stopped
STOPPED = re.compile(r"Stopped|suspended|has stopped", re.IGNORECASE)
RAN = re.compile(r"^run (\d+): rc=(\d+)$", re.MULTILINE)
# The person's own shell, with job control on and none of their start-up files
SHELLS = {"bash": "{} --norc -i", "zsh": "{} -f -i", "fish": "{} --no-config -i"}
LOOP = {
    "bash": 'for i in $(seq {n}); do {cmd}; echo "run $i: rc=$?"; done; echo "loop""-done"',
    "zsh": 'for i in $(seq {n}); do {cmd}; echo "run $i: rc=$?"; done; echo "loop""-done"',
    "fish": 'for i in (seq {n}); {cmd}; echo "run $i: rc=$status"; end; echo "loop""-done"',
}
SET_UP = {"bash": "set -m; PS1='$ '", "zsh": "setopt monitor; PS1='$ '", "fish": "status job-control full"}


@pytest.fixture
def shell_home(tmp_path: Path, home: Path) -> dict[str, str]:
    """A home where `bootstrap run --only shell` set up completions for bash, zsh and fish (so
    doctor's probes start interactive shells that load them), and an empty temporary folder."""
    need("git")
    for shell in SHELLS:
        need(shell)
    profile = tmp_path / "team.yaml"
    profile.write_text(PROFILE)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**shell_env(home), "TERM": "xterm-256color", "TMPDIR": str(tmp)}
    env.pop("COLUMNS", None)  # the pane's own width, as at a real terminal
    link_bootstrap(home)
    result = bootstrap("run", "--yes", "--only", "shell", "--profile", str(profile), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return env


def doctor_loop(tmp_path: Path, env: dict[str, str], home: Path, shell: str, runs: int, redirect: bool) -> None:
    """Doctor `runs` times in a row at an 80x24 terminal holding `shell` with job control."""
    pane = Pane(tmp_path / f"{shell}.sock", env, home, SHELLS[shell].format(need(shell)), width=80, height=24)
    try:
        pane.type(SET_UP[shell])
        cmd = "~/.local/bin/bootstrap doctor --offline --only shell" + (" > out.txt" if redirect else "")
        pane.type(LOOP[shell].format(n=runs, cmd=cmd))
        screen = pane.wait_until(
            lambda text: "loop-done" in text or STOPPED.search(text) is not None, timeout=30 * runs, history=True
        )
        stopped = STOPPED.search(screen)
        assert stopped is None, f"a doctor was stopped by {shell}'s job control:\n{screen[-3000:]}"
        assert "loop-done" in screen, f"the doctors did not finish:\n{screen[-3000:]}"
        finished = [(int(n), int(rc)) for n, rc in RAN.findall(screen)]
        assert [n for n, _ in finished] == list(range(1, runs + 1)), screen[-3000:]
        report = (home / "out.txt").read_text() if redirect else screen[-3000:]
        # 148-150: stopped by SIGTSTP/SIGTTIN/SIGTTOU; 1 was a false `shell.path` error after `fg`
        assert all(rc == 0 for _, rc in finished), f"{finished}\n{report}"
    finally:
        pane.close()
    assert left_in(tmp_path / "tmp") == []


def test_doctor_twenty_times_in_bash_with_job_control(tmp_path: Path, home: Path, shell_home: dict[str, str]) -> None:
    doctor_loop(tmp_path, shell_home, home, "bash", runs=20, redirect=False)


def test_doctor_twenty_times_in_bash_with_job_control_output_to_a_file(
    tmp_path: Path, home: Path, shell_home: dict[str, str]
) -> None:
    doctor_loop(tmp_path, shell_home, home, "bash", runs=20, redirect=True)


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_doctor_in_zsh_and_fish_with_job_control(
    tmp_path: Path, home: Path, shell_home: dict[str, str], shell: str
) -> None:
    doctor_loop(tmp_path, shell_home, home, shell, runs=10, redirect=True)


def left_in(tmp: Path) -> list[str]:
    """What is left in the temporary folder, but fish's own runtime folder (fish.USER)."""
    return sorted(p.name for p in tmp.iterdir() if not p.name.startswith("fish."))


# --- stopped while the shell probes run --------------------------------------------------


def marked(marker: str) -> list[tuple[int, str]]:
    """The live processes started with this test's marker in their environment, and their command."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"{MARKER}={marker}".encode() in environ:
            found.append((int(entry.name), cmdline))
    return found


def probing(marker: str) -> bool:
    """Whether one of doctor's interactive shells is running right now."""
    return any(re.search(r"(bash|zsh|fish) .*-i ", cmd) for _, cmd in marked(marker))


def left_behind(marker: str, seconds: float = 5.0) -> list[tuple[int, str]]:
    deadline = time.monotonic() + seconds
    while marked(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    return marked(marker)


def slow_bashrc(home: Path) -> None:
    """A ~/.bashrc that takes a while (as some do): doctor's `bash -i` probe is surely running
    when the signal comes, and has a child of its own (the sleep) that must end with it."""
    with (home / ".bashrc").open("a") as rc:
        rc.write("sleep 30\n")


def wait_for_probes(marker: str, running: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not probing(marker) and running() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert probing(marker), "doctor never started its shell probes"


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGINT, 130, "Stopped: you pressed Ctrl-C."),
        (signal.SIGTERM, 143, "Stopped: bootstrap was asked to end (SIGTERM)."),
        (signal.SIGHUP, 129, "Stopped: the terminal was closed."),
    ],
)
def test_doctor_stopped_during_the_shell_probes_leaves_nothing_behind(
    tmp_path: Path, shell_home: dict[str, str], signum: int, code: int, said: str
) -> None:
    marker = uuid.uuid4().hex
    env = {**shell_home, MARKER: marker}
    slow_bashrc(Path(shell_home["HOME"]))
    doctor = subprocess.Popen(
        [str(Path(shell_home["HOME"]) / ".local/bin/bootstrap"), "doctor", "--offline", "--only", "shell"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_probes(marker, lambda: doctor.poll() is None)
        doctor.send_signal(signum)
        _, err = doctor.communicate(timeout=30)
    finally:
        if doctor.poll() is None:
            doctor.kill()
    assert doctor.returncode == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(said), err  # one plain line, no traceback
    assert left_in(tmp_path / "tmp") == []
    assert left_behind(marker) == []


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_at_the_terminal_during_the_shell_probes(tmp_path: Path, home: Path, shell_home: dict[str, str]) -> None:
    marker = uuid.uuid4().hex
    slow_bashrc(home)
    pane = Pane(tmp_path / "ctrl-c.sock", shell_home, home, SHELLS["bash"].format(need("bash")))
    try:
        pane.type(SET_UP["bash"])
        pane.type(f'{MARKER}={marker} ~/.local/bin/bootstrap doctor --offline --only shell; echo "rc=$?"')
        wait_for_probes(marker, lambda: True)
        pane.send("C-c")
        screen = pane.wait_until(lambda text: re.search(r"^rc=\d+", text, re.MULTILINE) is not None, timeout=30)
    finally:
        pane.close()
    assert "Stopped: you pressed Ctrl-C." in screen, screen
    assert re.search(r"^rc=130", screen, re.MULTILINE), screen
    assert "Traceback" not in screen, screen
    assert left_in(tmp_path / "tmp") == []
    assert left_behind(marker) == []
