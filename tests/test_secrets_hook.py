"""The pre-commit hook with real git: proven on install, blocks a secret, undone byte for byte."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.conftest import bootstrap, need


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    need("git")
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Ada", "-c", "user.email=ada@example.com", *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_hook_blocks_secrets_and_undo_removes_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    installed = bootstrap("secrets", "hook", str(repo))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "planted secret was refused" in installed.stdout
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert stat.S_IMODE(hook.stat().st_mode) == 0o700
    assert bootstrap("secrets", "hook", str(repo)).stdout.startswith("The secrets hook is already installed")

    key = "AKIA" + "Q" * 8 + "7" * 8
    (repo / "settings.ini").write_text(f"aws_access_key_id = {key}\n")
    git(repo, "add", "settings.ini")
    blocked = git(repo, "commit", "-q", "-m", "oops")
    assert blocked.returncode != 0
    said = blocked.stdout + blocked.stderr  # git shows a hook's output on stderr
    assert "settings.ini:1: AWS access key id" in said and key not in said
    (repo / "settings.ini").write_text("aws_profile = op://Data/aws/key\n")
    git(repo, "add", "settings.ini")
    assert git(repo, "commit", "-q", "-m", "fine").returncode == 0

    undo = bootstrap("undo", "--yes")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert not hook.exists()


def test_hook_leaves_someone_elses_hook_alone(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    theirs = repo / ".git" / "hooks" / "pre-commit"
    theirs.write_text("#!/bin/sh\nexec pre-commit run\n")
    os.chmod(theirs, 0o755)
    out = bootstrap("secrets", "hook", str(repo))
    assert out.returncode == 1
    assert "bootstrap secrets scan --staged" in out.stderr and "is not ours" in out.stderr
    assert theirs.read_text() == "#!/bin/sh\nexec pre-commit run\n"
    assert bootstrap("secrets", "hook", str(tmp_path / "not-a-repo")).returncode == 2


def test_the_hook_every_new_repository_gets_says_where_the_secrets_check_goes(tmp_path: Path) -> None:
    from bootstrap.components.secrets.hook import TEMPLATE_MARKER
    from bootstrap.system.paths import builtin_dotfiles

    template = (builtin_dotfiles() / "pre-commit-hook").read_text()
    assert TEMPLATE_MARKER in template  # the marker the check looks for is in the real template
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(template)
    out = bootstrap("secrets", "hook", str(repo))
    assert out.returncode == 1
    assert "is bootstrap's hook for every new repository" in out.stderr and "- id: bootstrap-secrets" in out.stderr
    assert hook.read_text() == template
