"""A real OpenSSH server on a loopback port, serving bare git repositories.

It has its own host key and sshd_config, and reads one `authorized_keys` file that a test
fills in whenever it likes (sshd reads the file on every login). It runs as the user running
the tests (root in CI), so repositories are addressed by absolute path.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import need
from tests.support.net import free_port, stop


@dataclass(frozen=True)
class Sshd:
    port: int
    user: str
    host_key_pub: str  # the server's public host key line ("ssh-ed25519 AAAA...")
    host_fingerprint: str  # SHA256:...
    authorized_keys: Path
    root: Path

    def authorize(self, public_key: str) -> None:
        with self.authorized_keys.open("a", encoding="utf-8") as handle:
            handle.write(public_key.strip() + "\n")

    def bare_repo(self, name: str) -> Path:
        """A bare repository with one commit on main, served at ssh://USER@127.0.0.1:PORT/<path>."""
        git = need("git")
        repo = self.root / "repos" / name
        work = self.root / "work" / name
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Team",
            "GIT_AUTHOR_EMAIL": "team@example.com",
            "GIT_COMMITTER_NAME": "Team",
            "GIT_COMMITTER_EMAIL": "team@example.com",
        }
        for argv in (
            [git, "init", "-q", "--bare", "-b", "main", str(repo)],
            [git, "init", "-q", "-b", "main", str(work)],
        ):
            subprocess.run(argv, check=True, env=env)
        (work / "README.md").write_text("# the team's pipelines\n")
        for argv in (
            [git, "-C", str(work), "add", "README.md"],
            [git, "-C", str(work), "commit", "-q", "-m", "first"],
            [git, "-C", str(work), "push", "-q", str(repo), "main"],
        ):
            subprocess.run(argv, check=True, env=env)
        return repo

    def url(self, repo: Path) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{repo}"


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited: {log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            if conn.recv(4).startswith(b"SSH-"):
                return
        time.sleep(0.05)
    raise RuntimeError(f"sshd did not start: {log.read_text(errors='replace')}")


@contextlib.contextmanager
def running_sshd(root: Path) -> Iterator[Sshd]:
    # Debian keeps sshd in /usr/sbin, which is not on every user's PATH
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else need("sshd"))
    keygen = need("ssh-keygen")
    root.mkdir(parents=True, exist_ok=True)
    host_key = root / "ssh_host_ed25519_key"
    subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(host_key)], check=True)
    fingerprint = subprocess.run(
        [keygen, "-l", "-f", str(host_key) + ".pub"], check=True, capture_output=True, text=True
    ).stdout.split()[1]
    authorized = root / "authorized_keys"
    authorized.write_text("")
    # sshd refuses to start without its privilege-separation folder; a package install on a
    # machine without systemd does not create it.
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    user = pwd.getpwuid(os.getuid()).pw_name
    port = free_port()
    config = root / "sshd_config"
    config.write_text(
        "\n".join(
            [
                "ListenAddress 127.0.0.1",
                f"Port {port}",
                f"HostKey {host_key}",
                f"AuthorizedKeysFile {authorized}",
                f"AllowUsers {user}",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",  # pytest's tmp folders are not laid out like a home
                "PidFile none",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    log = root / "sshd.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, proc, log)
        public = Path(f"{host_key}.pub").read_text().strip()
        yield Sshd(port, user, public, fingerprint, authorized, root)
    finally:
        stop(proc)
