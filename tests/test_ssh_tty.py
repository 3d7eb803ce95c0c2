"""The first-day SSH set-up on a real pseudo-terminal: passphrase, publishing, trusting the host."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import need
from tests.support.sshd import Sshd, running_sshd
from tests.test_ssh import KEY_URL, git_ssh_env, team_profile

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")

PASSPHRASE = "correct horse battery"


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[str]:
    """A throw-away ssh-agent on its own socket, as a desktop session would have."""
    need("ssh-agent")
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not sock.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "ssh-agent did not start"
            time.sleep(0.05)
        yield str(sock)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    need("git")
    with running_sshd(tmp_path / "srv") as server:
        yield server


@pytest.mark.slow
def test_passphrase_publish_trust_and_verify_on_a_terminal(home: Path, tmp_path: Path, sshd: Sshd, agent: str) -> None:
    repo = sshd.bare_repo("team.git")
    profile = team_profile(tmp_path, sshd, repo, host_keys=False, empty_ok=False)
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: Ada Lovelace\nemail: ada@example.com\n")
    env = {**os.environ, "TERM": "xterm-256color", "SSH_AUTH_SOCK": agent}
    argv = ["-m", "bootstrap", "run", "--profile", str(profile), "--answers", str(answers)]
    child = pexpect.spawn(sys.executable, argv, env=env, encoding="utf-8", timeout=60, dimensions=(40, 200))
    try:
        child.expect("Make these changes")
        child.send("y")
        child.expect("Choose a passphrase for your new SSH key:")
        child.send("abc\r")
        child.expect("at least 5 characters")
        child.expect("Choose a passphrase")
        child.send(PASSPHRASE + "\r")
        child.expect("Type it again")
        child.send(PASSPHRASE + "\r")
        child.expect(r"ssh-ed25519 [A-Za-z0-9+/=]+ ada@example.com")
        public = child.match.group(0)
        child.expect(re.escape(KEY_URL))
        child.expect("Type done once you have added the key")
        sshd.authorize(public)  # the person pastes it into the settings page
        child.send("done\r")
        child.expect(re.escape(sshd.host_fingerprint))
        child.expect("Do they match")
        child.send("y")
        child.expect("Enter passphrase for")  # ssh-add, once per login
        child.sendline(PASSPHRASE)
        child.expect(f"you can read {re.escape(sshd.url(repo))}")
        child.expect("Done: ")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    assert PASSPHRASE not in (child.before or "")
    key = home / ".ssh" / "id_ed25519"
    unlocked = subprocess.run(["ssh-keygen", "-y", "-P", PASSPHRASE, "-f", str(key)], capture_output=True, check=False)
    assert unlocked.returncode == 0
    # the passphrase is nowhere on disk: not in the journal, the answers, or any file of the home
    for path in home.rglob("*"):
        if path.is_file():
            assert PASSPHRASE.encode() not in path.read_bytes(), path
    clone = subprocess.run(
        ["git", "clone", "-q", sshd.url(repo), str(tmp_path / "clone")],
        env={**git_ssh_env(home), "SSH_AUTH_SOCK": agent},
        capture_output=True,
        text=True,
        check=False,
    )
    assert clone.returncode == 0, clone.stderr


@pytest.mark.slow
def test_the_key_can_be_added_later(home: Path, tmp_path: Path, sshd: Sshd) -> None:
    """At `Type done once you have added the key`, "later" goes on with the run, which ends
    waiting on the person with the page and the command that checks it (exit 3)."""
    repo = sshd.bare_repo("team.git")
    profile = team_profile(tmp_path, sshd, repo)
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: Ada Lovelace\nemail: ada@example.com\n")
    env = {**os.environ, "TERM": "xterm-256color"}
    argv = ["-m", "bootstrap", "run", "--profile", str(profile), "--answers", str(answers)]
    child = pexpect.spawn(sys.executable, argv, env=env, encoding="utf-8", timeout=60, dimensions=(24, 80))
    try:
        child.expect("Make these changes")
        child.send("y")
        child.expect("Choose a passphrase for your new SSH key")
        child.send("\r")  # the profile allows none
        child.expect("Type done once you have added the key")
        child.expect(r"\(or later to add it after this run\)")
        child.send("soon\r")
        child.expect("type done or later")
        child.send("\x15later\r")  # Ctrl-U clears the line, as a person would
        child.expect("Waiting on you:")
        child.expect("your SSH key is not added to 127.0.0.1 yet")
        child.expect(re.escape(KEY_URL))
        child.expect(re.escape("bootstrap doctor"))
        child.expect(pexpect.EOF)
    finally:
        child.close()
    said = child.before or ""
    assert child.exitstatus == 3, said
    assert "Traceback" not in said
    assert (home / ".ssh" / "id_ed25519.pub").is_file()
    assert "git.host" not in said and "key not added:" not in said  # no check repeats what was just said
