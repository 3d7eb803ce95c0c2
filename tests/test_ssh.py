"""Git hosting over SSH with real ssh-keygen, ssh, git and a real sshd on a loopback port."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import bootstrap, need, snapshot
from tests.support.sshd import Sshd, running_sshd

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")

ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"
KEY_URL = "https://git.example.com/-/user_settings/ssh_keys"


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    need("git")
    with running_sshd(tmp_path / "srv") as server:
        yield server


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    return path


def team_profile(tmp_path: Path, sshd: Sshd, repo: Path, *, host_keys: bool = True, empty_ok: bool = True) -> Path:
    keys = f'\n        host_keys: ["{sshd.host_key_pub}"]' if host_keys else ""
    path = tmp_path / "team.yaml"
    path.write_text(
        f"""\
schema: 1
extends: [base]
components:
  git:
    allow_empty_passphrase: {str(empty_ok).lower()}
    hosts:
      - host: 127.0.0.1
        user: {sshd.user}
        port: {sshd.port}
        key_url: {KEY_URL}
        repos: ["{sshd.url(repo)}"]{keys}
"""
    )
    return path


def doctor(*args: str) -> dict[str, Any]:
    result = bootstrap("doctor", "--json", *args)
    report: dict[str, Any] = json.loads(result.stdout)
    return {c["id"]: c for c in report["checks"]}


def git_ssh_env(home: Path) -> dict[str, str]:
    """What a real user's git gets for free: ssh reading the config of this (fake) home."""
    return {**os.environ, "GIT_SSH_COMMAND": f"ssh -F {home}/.ssh/config -o BatchMode=yes", "GIT_TERMINAL_PROMPT": "0"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_run_key_not_added_then_green_and_clone_works(
    home: Path, tmp_path: Path, sshd: Sshd, answers: Path
) -> None:
    repo = sshd.bare_repo("team.git")
    profile = team_profile(tmp_path, sshd, repo)
    run = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers))
    assert run.returncode == 0, run.stdout + run.stderr
    key = home / ".ssh" / "id_ed25519"
    public = (home / ".ssh" / "id_ed25519.pub").read_text().strip()
    assert public.startswith("ssh-ed25519 ") and public.endswith(" ada@example.com")
    assert public in run.stdout and KEY_URL in run.stdout
    assert "key not added" in run.stdout  # the check at the end of the run already says so
    assert mode(home / ".ssh") == 0o700 and mode(key) == 0o600
    assert mode(home / ".ssh" / "config") == 0o600
    config = (home / ".ssh" / "config").read_text()
    assert f"IdentityFile {key}" in config and f"UserKnownHostsFile {home}/.ssh/known_hosts" in config
    assert str(home) not in run.stdout  # paths are shown as ~

    before = doctor()
    host = before["git.host.127.0.0.1"]
    assert host["status"] == "error" and "key not added" in host["summary"], host
    assert KEY_URL in host["fix"] and "~/.ssh/id_ed25519.pub" in host["fix"]
    assert before["git.ssh.key"]["status"] == "ok" and before["git.ssh.config"]["status"] == "ok"

    sshd.authorize(public)  # what the new hire does on the settings page
    after = doctor()
    assert after["git.host.127.0.0.1"]["status"] == "ok", after["git.host.127.0.0.1"]
    assert all(c["status"] in ("ok", "info") for c in after.values()), after
    assert bootstrap("doctor", "--offline", "--json").returncode == 0
    assert doctor("--offline")["git.host.127.0.0.1"]["status"] == "skipped"

    clone = subprocess.run(
        ["git", "clone", "-q", sshd.url(repo), str(tmp_path / "clone")],
        env=git_ssh_env(home),
        capture_output=True,
        text=True,
        check=False,
    )
    assert clone.returncode == 0, clone.stderr
    assert (tmp_path / "clone" / "README.md").read_text() == "# the team's pipelines\n"
    # the block's Port and User apply to the short form as well
    short = subprocess.run(
        ["git", "ls-remote", f"127.0.0.1:{repo}"], env=git_ssh_env(home), capture_output=True, text=True, check=False
    )
    assert short.returncode == 0 and "refs/heads/main" in short.stdout, short.stderr

    again = bootstrap("run", "--yes")
    assert again.returncode == 0 and "Nothing to change" in again.stdout, again.stdout


def test_unknown_host_key_without_terminal_says_what_to_run(
    home: Path, tmp_path: Path, sshd: Sshd, answers: Path
) -> None:
    repo = sshd.bare_repo("team.git")
    profile = team_profile(tmp_path, sshd, repo, host_keys=False)
    run = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers))
    assert run.returncode == 1
    assert sshd.host_fingerprint in run.stdout, run.stdout
    assert "bootstrap run --only git" in run.stdout
    assert not (home / ".ssh" / "known_hosts").exists()  # nothing trusted without a person
    host = doctor()["git.host.127.0.0.1"]
    assert host["status"] == "error" and "host key unknown" in host["summary"]
    assert sshd.host_fingerprint in host["summary"]


def test_no_passphrase_allowed_and_no_terminal_creates_no_key(
    home: Path, tmp_path: Path, sshd: Sshd, answers: Path
) -> None:
    repo = sshd.bare_repo("team.git")
    profile = team_profile(tmp_path, sshd, repo, empty_ok=False)
    run = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers))
    assert run.returncode == 1
    assert "passphrase" in run.stdout and "ssh-keygen -t ed25519 -C ada@example.com" in run.stdout
    assert not (home / ".ssh" / "id_ed25519").exists()
    assert doctor()["git.ssh.key"]["status"] == "error"


def test_existing_key_and_config_kept_and_undo_restores_config(
    home: Path, tmp_path: Path, sshd: Sshd, answers: Path
) -> None:
    repo = sshd.bare_repo("team.git")
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "old", "-f", str(ssh_dir / "id_ed25519")], check=True
    )
    user_config = b"Host bastion\r\n    User ada\r\nInclude /nonexistent/config.d/*\r\nServerAliveInterval 30"
    (ssh_dir / "config").write_bytes(user_config)
    os.chmod(ssh_dir / "config", 0o644)
    keys_before = {p.name: p.read_bytes() for p in ssh_dir.glob("id_*")}
    before = snapshot(home)

    run = bootstrap("run", "--yes", "--profile", str(team_profile(tmp_path, sshd, repo)), "--answers", str(answers))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Create your SSH key" not in run.stdout
    assert {p.name: p.read_bytes() for p in ssh_dir.glob("id_*")} == keys_before
    config = (ssh_dir / "config").read_bytes()
    assert config.endswith(user_config) and b"\r\nHost 127.0.0.1\r\n" in config
    assert mode(ssh_dir / "config") == 0o644  # the user's own safe mode is kept

    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert (ssh_dir / "config").read_bytes() == user_config
    after = snapshot(home)
    assert {k: v for k, v in after.items() if not k.startswith(".local")} == {
        k: v for k, v in before.items() if not k.startswith(".local")
    }


def test_new_key_goes_to_the_clipboard_and_undo_keeps_it(home: Path, tmp_path: Path, sshd: Sshd, answers: Path) -> None:
    repo = sshd.bare_repo("team.git")
    # wl-copy needs a Wayland desktop; this one reads stdin like the real tool and keeps it
    tools = tmp_path / "bin"
    tools.mkdir()
    clipboard = tmp_path / "clipboard"
    (tools / "wl-copy").write_text(f"#!/bin/sh\ncat > {clipboard}\n")
    os.chmod(tools / "wl-copy", 0o755)
    env = {"PATH": f"{tools}:{os.environ['PATH']}", "WAYLAND_DISPLAY": "wayland-0"}
    profile = team_profile(tmp_path, sshd, repo)
    run = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert clipboard.read_text() == (home / ".ssh" / "id_ed25519.pub").read_text()
    assert "on your clipboard (copied with wl-copy)" in run.stdout
    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert (home / ".ssh" / "id_ed25519").exists() and (home / ".ssh" / "id_ed25519.pub").exists()
    assert not (home / ".ssh" / "config").exists() and not (home / ".ssh" / "known_hosts").exists()
    assert "SSH key ~/.ssh/id_ed25519" in undo.stdout and "rm ~/.ssh/id_ed25519" in undo.stdout


OFFLINE_PROFILE = """\
schema: 1
components:
  git:
    hosts:
      - {host: git.corp.example, host_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM3gAM7Fvn9QKsVtu3mmH9HV5XhCIvGe2ad3VZ6SPO1t"]}
"""


def test_key_others_can_read_is_made_private_and_credential_helper_set(home: Path, tmp_path: Path) -> None:
    need("git")
    ssh_dir = home / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    key = ssh_dir / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", str(key)], check=True)
    os.chmod(key, 0o644)
    content = key.read_bytes()
    # Git Credential Manager cannot be installed offline; git only needs to find it on PATH
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "git-credential-manager").write_text("#!/bin/sh\nexit 0\n")
    os.chmod(tools / "git-credential-manager", 0o755)
    env = {"PATH": f"{tools}:{os.environ['PATH']}"}
    profile = tmp_path / "team.yaml"
    profile.write_text(OFFLINE_PROFILE)

    checks = {
        c["id"]: c
        for c in json.loads(bootstrap("doctor", "--json", "--offline", "--profile", str(profile), env=env).stdout)[
            "checks"
        ]
    }
    assert checks["git.ssh.key"]["status"] == "error" and checks["git.ssh.key"]["fix"] == "chmod 600 ~/.ssh/id_ed25519"
    assert checks["git.credentials"]["status"] == "warning"

    run = bootstrap("run", "--yes", "--profile", str(profile), env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert mode(key) == 0o600 and key.read_bytes() == content
    helper = subprocess.run(
        ["git", "config", "--global", "credential.helper"], capture_output=True, text=True, check=False
    )
    assert helper.stdout.strip() == "manager"
    checks = {c["id"]: c for c in json.loads(bootstrap("doctor", "--json", "--offline", env=env).stdout)["checks"]}
    assert checks["git.ssh.key"]["status"] == "ok" and checks["git.credentials"]["status"] == "ok"
    assert checks["git.host.git.corp.example"]["status"] == "skipped"

    assert bootstrap("undo", "--yes", env=env).returncode == 0
    assert not (home / ".gitconfig").exists() and key.read_bytes() == content


def test_macos_block_is_read_by_any_openssh(home: Path) -> None:
    """UseKeychain exists only in Apple's ssh; IgnoreUnknown lets every other ssh read the block."""
    need("ssh")
    from bootstrap.components.git import sshkeys
    from bootstrap.profiles.schema import GitHost
    from bootstrap.system.paths import user_paths

    paths = user_paths(home)
    body = sshkeys.config_block(paths, [GitHost(host="github.com")], sshkeys.new_key(paths), macos=True)
    assert body.index("    IgnoreUnknown UseKeychain") < body.index("    UseKeychain yes")
    config = home / "config"
    config.write_text(sshkeys.with_config_block("", body))
    seen = subprocess.run(["ssh", "-G", "-F", str(config), "github.com"], capture_output=True, text=True, check=False)
    assert seen.returncode == 0, seen.stderr
    assert "addkeystoagent true" in seen.stdout.splitlines()


def test_ssh_t_without_repos_and_a_changed_host_key_and_an_unreachable_host(
    home: Path, tmp_path: Path, sshd: Sshd
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    profile = tmp_path / "hosts.yaml"
    profile.write_text(
        f"""\
schema: 1
components:
  git:
    allow_empty_passphrase: true
    hosts:
      - {{host: 127.0.0.1, user: {sshd.user}, port: {sshd.port}, host_keys: ["{sshd.host_key_pub}"]}}
      - {{host: localhost, port: {closed}, host_keys: ["{sshd.host_key_pub}"]}}
"""
    )
    run = bootstrap("run", "--yes", "--profile", str(profile))
    assert run.returncode == 0, run.stdout + run.stderr
    sshd.authorize((home / ".ssh" / "id_ed25519.pub").read_text())
    checks = doctor()
    assert checks["git.host.127.0.0.1"]["status"] == "ok", checks["git.host.127.0.0.1"]
    assert "accepts your SSH key" in checks["git.host.127.0.0.1"]["summary"]  # ssh -T: no repos listed
    unreachable = checks["git.host.localhost"]
    assert unreachable["status"] == "warning" and "cannot reach" in unreachable["summary"], unreachable
    assert "--offline" in unreachable["fix"]

    # the server now presents another key than the recorded one
    other = tmp_path / "other_host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    known = home / ".ssh" / "known_hosts"
    recorded = known.read_text().replace(sshd.host_key_pub, Path(f"{other}.pub").read_text().strip())
    known.write_text(recorded)
    changed = doctor()["git.host.127.0.0.1"]
    assert changed["status"] == "error" and "different host key" in changed["summary"], changed
    assert f"ssh-keygen -R '[127.0.0.1]:{sshd.port}' -f ~/.ssh/known_hosts" in changed["fix"]


def test_a_host_that_does_not_answer_leaves_its_host_key_for_later(home: Path, tmp_path: Path, answers: Path) -> None:
    """ssh-keyscan against a closed port: the run does the rest and exits 3, naming the command;
    doctor says the host cannot be reached (the network), not that its host key is unknown."""
    need("git")
    need("ssh-keyscan")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    profile = tmp_path / "team.yaml"
    profile.write_text(
        f"""\
schema: 1
extends: [base]
components:
  git:
    allow_empty_passphrase: true
    hosts:
      - {{host: 127.0.0.1, port: {closed}, key_url: {KEY_URL}}}
"""
    )
    run = bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers))
    said = run.stdout + run.stderr
    assert run.returncode == 3, said
    assert "Traceback" not in said
    waiting = run.stdout.split("Waiting on the network:", 1)[1]
    assert f"the host key of [127.0.0.1]:{closed} was not recorded: cannot reach" in waiting
    assert "bootstrap run --only git in a terminal once 127.0.0.1 can be reached" in waiting
    assert (home / ".ssh" / "id_ed25519").is_file()  # everything else was done
    assert "✓ git: Add the team's git hosts" in run.stdout
    assert not (home / ".ssh" / "known_hosts").exists()
    host = doctor()["git.host.127.0.0.1"]
    assert host["status"] == "warning", host
    assert f"cannot reach 127.0.0.1:{closed}" in host["summary"] and "host key unknown" not in host["summary"]
    assert "network or VPN" in host["fix"] and "bootstrap run --only git" in host["fix"]
    again = bootstrap("plan", "--profile", str(profile))
    assert "Record the host key of" in again.stdout  # still to do, not forgotten
