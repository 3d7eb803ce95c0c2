"""The pre-commit hook with real git: proven on install, blocks a secret, undone byte for byte."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.conftest import bootstrap, need

POETRY_LOCK = (
    '[[package]]\nname = "pandas"\nversion = "2.2.2"\nfiles = [\n'
    '    {{file = "pandas-2.2.2-cp311-cp311-macosx_11_0_arm64.whl", hash = "sha256:{}"}},\n]\n\n'
    '[metadata]\nlock-version = "2.0"\ncontent-hash = "{}"\n'.format("3f9a" * 16, "b1c2" * 16)
)
# AWS's documented example pair, as every cloud README quotes it
README = (
    "## AWS access\n\n```ini\n[default]\naws_access_key_id = AK" + "IAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalr" + "XUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n```\n"
)


def ordinary_notebook() -> str:
    import base64
    import json

    code = [
        "import os\n", "import pandas as pd\n", "from getpass import getpass\n",
        "password = getpass('Warehouse password: ')\n", 'token = os.environ["HF_TOKEN"]\n',
        "engine = create_engine(f'postgresql://ana:{password}@dwh.internal/analytics')\n",
        "resp = client.chat.completions.create(model='gpt-4o', messages=msgs, max_tokens=1024)\n",
        "df = pd.read_sql('select token_id, created_at from api_tokens', engine)\n",
    ]  # fmt: skip
    png = base64.b64encode(bytes(range(256)) * 40).decode()
    outputs = [
        {"name": "stdout", "output_type": "stream", "text": ["Warehouse password: ········\n"]},
        {"data": {"image/png": png, "text/plain": ["<Figure size 640x480 with 1 Axes>"]}, "metadata": {},
         "output_type": "display_data"},
    ]  # fmt: skip
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "id": "5f1c2a9b",
        "metadata": {},
        "outputs": outputs,
        "source": code,
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


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

    key = "AKIA" + "Q7RZ2KXW" + "M4TB6NVD"
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


def test_hook_passes_ordinary_files_and_silences_one_reviewed_finding(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    assert bootstrap("secrets", "hook", str(repo)).returncode == 0
    (repo / "analysis.ipynb").write_text(ordinary_notebook())
    (repo / "poetry.lock").write_text(POETRY_LOCK)
    (repo / "README.md").write_text(README)
    git(repo, "add", "analysis.ipynb", "poetry.lock", "README.md")
    fine = git(repo, "commit", "-q", "-m", "notebook, lock file, readme")
    assert fine.returncode == 0, fine.stdout + fine.stderr

    # a value that only looks like a secret (a fixture's throw-away password), reviewed and silenced
    (repo / "tests.env").write_text("FIXTURE_PASSWORD=Kx9mQ2vLp7tR\nOTHER_PASSWORD=Zq8wE3rT5yU1\n")
    git(repo, "add", "tests.env")
    blocked = git(repo, "commit", "-q", "-m", "fixtures")
    said = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0 and "tests.env:1:" in said and "tests.env:2:" in said
    assert "Kx9mQ2vLp7tR" not in said and "Zq8wE3rT5yU1" not in said
    first = next(line for line in said.splitlines() if "add to .bootstrap-secrets-ignore: tests.env:" in line)
    (repo / ".bootstrap-secrets-ignore").write_text(first.split(": ", 1)[1] + "\n")
    git(repo, "add", ".bootstrap-secrets-ignore")
    again = git(repo, "commit", "-q", "-m", "fixtures")
    said = again.stdout + again.stderr
    assert again.returncode != 0 and "tests.env:1:" not in said and "tests.env:2:" in said
    (repo / "tests.env").write_text("FIXTURE_PASSWORD=Kx9mQ2vLp7tR\n")
    git(repo, "add", "tests.env")
    assert git(repo, "commit", "-q", "-m", "fixtures").returncode == 0


def test_staged_scan_reads_the_index_not_the_working_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    (repo / "a.env").write_text("DB_PASSWORD=op://Data/db/password\n")
    git(repo, "add", "a.env")
    (repo / "a.env").write_text("DB_PASSWORD=Kx9mQ2vLp7tR\n")  # changed after staging: not what is committed
    assert bootstrap("secrets", "scan", "--staged", cwd=repo).returncode == 0
    git(repo, "add", "a.env")
    out = bootstrap("secrets", "scan", "--staged", cwd=repo)
    assert out.returncode == 1 and "a.env:1: DB_PASSWORD assignment" in out.stdout
