"""~/.ssh/config as people really have it: run, run again, undo, byte for byte; and ssh itself
must read every other host exactly as before."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import need
from tests.strategies import safe_text
from tests.support.inprocess import converge, undo_last, user_files

HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM3gAM7Fvn9QKsVtu3mmH9HV5XhCIvGe2ad3VZ6SPO1t"
GITHUB_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
PROFILE = f"""\
schema: 1
components:
  git:
    hosts:
      - {{host: git.corp.example, port: 2222, key_url: "https://git.corp.example/keys", host_keys: ["{HOST_KEY}"]}}
      - {{host: github.com, host_keys: ["{GITHUB_KEY}"]}}
"""

# What people and tools leave in ~/.ssh/config.
PIECES = [
    ["ServerAliveInterval 30"],
    ["Compression yes", "ForwardAgent no"],
    ["Include /nonexistent/ssh_config.d/*"],
    ["# Added by OrbStack: 'orb' SSH host for Linux machines", "Include /nonexistent/orbstack/ssh/config"],
    ["Host bastion", "    HostName 10.0.0.1", "    User ada", "    Port 2200"],
    ["Host *.corp.example", "\tUser corp-user", "\tIdentityFile /nonexistent/corp_key"],
    ["Host git.corp.example", "  User someone-else", "  Port 22"],
    ["Host github.com", "  IdentityFile /nonexistent/github_key"],
    ["Match host build", "  User builder"],
    ["Host *", "  AddKeysToAgent no", "  IdentitiesOnly yes"],
    [""],
    ["# >>> conda initialize >>>", "# not ssh's, but a block of another tool", "# <<< conda initialize <<<"],
]


@st.composite
def messy_ssh_config(draw: st.DrawFn) -> bytes:
    pieces = draw(st.lists(st.one_of(st.sampled_from(PIECES), safe_text.map(lambda t: ["# " + t])), max_size=7))
    lines = [line for piece in pieces for line in piece]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if lines and draw(st.booleans()):
        text += newline
    return text.encode("utf-8")


def _ssh_sees(home: Path, *target: str) -> subprocess.CompletedProcess[str]:
    config = home / ".ssh" / "config"
    return subprocess.run(
        ["ssh", "-G", "-F", str(config) if config.exists() else os.devnull, *target],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def a_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need("ssh-keygen")
    folder = tmp_path_factory.mktemp("key")
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", str(folder / "id_ed25519")], check=True
    )
    return folder


@given(config=st.one_of(st.none(), messy_ssh_config()), config_mode=st.sampled_from([0o600, 0o644, 0o664]))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_run_is_idempotent_and_undo_restores_ssh_config(
    tmp_path: Path, a_key: Path, config: Optional[bytes], config_mode: int
) -> None:
    need("ssh")
    need("git")
    case = tmp_path / os.urandom(6).hex()
    home = case / "home"
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(parents=True, mode=0o700)
    for name in ("id_ed25519", "id_ed25519.pub"):
        shutil.copy2(a_key / name, ssh_dir / name)
    if config is not None:
        (ssh_dir / "config").write_bytes(config)
        os.chmod(ssh_dir / "config", config_mode)
    profile = case / "team.yaml"
    profile.write_text(PROFILE)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        before = user_files(home)
        other_before = _ssh_sees(home, "other.example")

        first = converge(str(profile))
        assert first.outcome is not None and first.outcome.ok, first.outcome
        written = (ssh_dir / "config").read_bytes()
        assert written.endswith(config or b"")  # every byte the user had, in order
        assert not stat.S_IMODE((ssh_dir / "config").stat().st_mode) & 0o022  # ssh would refuse it
        other_after = _ssh_sees(home, "other.example")
        assert (other_after.returncode, other_after.stdout) == (other_before.returncode, other_before.stdout)
        ours = _ssh_sees(home, "git.corp.example").stdout.splitlines()
        assert "port 2222" in ours and "user git" in ours
        assert f"identityfile {ssh_dir}/id_ed25519" in ours
        assert f"userknownhostsfile {ssh_dir}/known_hosts" in ours

        second = converge(str(profile))
        assert second.outcome is None, "a second run found something to change"
        assert second.writes == 0 and second.journal is None

        undo_last()
        assert user_files(home) == before
        if config is not None:
            assert (ssh_dir / "config").read_bytes() == config
