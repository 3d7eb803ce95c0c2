"""How the lines real git hosts and ssh print are read (the messages as these programs print them)."""

from __future__ import annotations

import pytest

from bootstrap.components.git.sshprobe import classify
from bootstrap.system.proc import NOT_FOUND, TIMED_OUT, Result

GITHUB_HI = "Hi ada! You've successfully authenticated, but GitHub does not provide shell access."
CHANGED = """\
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Host key verification failed."""


@pytest.mark.parametrize(
    ("code", "stderr", "ssh_t", "kind"),
    [
        (1, GITHUB_HI, True, "ok"),  # GitHub ends `ssh -T` with 1 after a successful login
        (0, "Welcome to GitLab, @ada!", True, "ok"),
        (255, "git@github.com: Permission denied (publickey).", True, "key-not-added"),
        (255, "Host key verification failed.", True, "host-key-unknown"),
        (
            255,
            "No ED25519 host key is known for gitlab.corp.example and you have requested strict checking.\nHost key verification failed.",
            True,
            "host-key-unknown",
        ),
        (255, CHANGED, True, "host-key-changed"),
        (255, "ssh: Could not resolve hostname gitlab.corp.example: Name or service not known", True, "unreachable"),
        (255, "ssh: connect to host 10.0.0.1 port 22: Connection timed out", True, "unreachable"),
        (255, "ssh: connect to host github.com port 22: Network is unreachable", True, "unreachable"),
        (255, "kex_exchange_identification: Connection closed by remote host", True, "unreachable"),
        (TIMED_OUT, "timed out after 18 s", True, "unreachable"),
        (NOT_FOUND, "ssh: command not found", True, "not-installed"),
        (128, "ERROR: Repository not found.\nfatal: Could not read from remote repository.", False, "no-repo-access"),
        (
            128,
            "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.",
            False,
            "key-not-added",
        ),
        (128, "fatal: '/srv/x.git' does not appear to be a git repository", False, "no-repo-access"),
        (255, "something nobody expected", True, "failed"),
    ],
)
def test_classify(code: int, stderr: str, ssh_t: bool, kind: str) -> None:
    result = Result(("ssh",), code, "", stderr, 5)
    assert classify(result, logged_in_unless_255=ssh_t) == kind
