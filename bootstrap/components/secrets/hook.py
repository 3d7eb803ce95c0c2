"""A git pre-commit hook that blocks commits containing plaintext secrets.

The hook calls `bootstrap secrets scan --staged`, which reads what is staged (not the working
tree, which may differ). Before the hook goes into a repository it is proven in a throw-away
one: a planted canary secret must be refused and an innocent file accepted, or nothing is
installed. A repository that already has a pre-commit hook (often the pre-commit framework's)
keeps it: we print the lines that add ours to its configuration instead.
"""

from __future__ import annotations

import secrets
import shlex
import shutil
import string
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from bootstrap.system.errors import Failure, UserError
from bootstrap.system.steps import FileChange, Step

if TYPE_CHECKING:
    from bootstrap.system.context import Context

MARKER = "# bootstrap: blocks commits that contain plaintext secrets"
# the data-scientist role's hook that git copies into every new repository (dotfiles/pre-commit-hook)
TEMPLATE_MARKER = "# bootstrap: runs this repository's pre-commit checks"
MODE = 0o700  # executable, and only for its owner
PRE_COMMIT_CONFIG = """\
  - repo: local
    hooks:
      - id: bootstrap-secrets
        name: no plaintext secrets
        entry: bootstrap secrets scan --staged
        language: system
        pass_filenames: false"""


def script() -> bytes:
    command = shlex.join([sys.executable, "-m", "bootstrap", "secrets", "scan", "--staged"])
    return f"#!/bin/sh\n{MARKER}\n# remove this file (or run `bootstrap undo`) to stop it\nexec {command}\n".encode()


def hooks_dir(ctx: Context, repo: Path) -> Path:
    """Where git looks for this repository's hooks (core.hooksPath honoured)."""
    result = ctx.runner.run(
        ["git", "-C", repo, "rev-parse", "--path-format=absolute", "--git-path", "hooks"], timeout=10
    )
    if not result.ok:
        raise UserError(f"{ctx.tilde(repo)} is not a git repository (run it inside one, or name one)")
    return Path(result.stdout.strip())


def steps(ctx: Context, repo: Path) -> list[Step]:
    from bootstrap.system import files

    target = hooks_dir(ctx, repo) / "pre-commit"
    before = files.read(target)
    if before is not None and TEMPLATE_MARKER.encode() in before:
        raise Failure(
            f"{ctx.tilde(target)} is bootstrap's hook for every new repository: it runs this repository's "
            f".pre-commit-config.yaml, so add the secrets check there, under `repos:`\n{PRE_COMMIT_CONFIG}"
        )
    if before is not None and MARKER.encode() not in before:
        raise Failure(
            f"{ctx.tilde(target)} already exists and is not ours; it was left as it is. With the pre-commit "
            f"framework, add to .pre-commit-config.yaml under `repos:`\n{PRE_COMMIT_CONFIG}"
        )
    wanted = script()
    if before == wanted and files.mode_of(target) == MODE:
        return []
    return [
        Step(
            "secrets",
            f"Block commits with plaintext secrets in {ctx.tilde(repo)} (git pre-commit hook)",
            changes=(FileChange(target, before, wanted, MODE),),
        )
    ]


def canary() -> str:
    """An AWS-access-key-shaped string made up now, so no real-looking key lives in our code."""
    return "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def prove(ctx: Context) -> Optional[str]:
    """None when the hook blocks a planted secret and lets an innocent commit through, else why not."""
    tmp = Path(tempfile.mkdtemp(prefix="bootstrap-hook-"))
    planted = canary()
    try:
        git = [
            "git",
            "-C",
            str(tmp),
            "-c",
            "user.name=bootstrap",
            "-c",
            "user.email=bootstrap@localhost",
            "-c",
            "commit.gpgsign=false",
        ]
        env = {"GIT_TEMPLATE_DIR": "", "GIT_CONFIG_NOSYSTEM": "1"}
        if not ctx.runner.run(["git", "init", "-q", str(tmp)], env=env, timeout=30).ok:
            return "git could not create a test repository"
        hook = Path(
            ctx.runner.run([*git, "rev-parse", "--path-format=absolute", "--git-path", "hooks"], env=env).stdout.strip()
        )
        hook.mkdir(parents=True, exist_ok=True)
        (hook / "pre-commit").write_bytes(script())
        (hook / "pre-commit").chmod(MODE)
        (tmp / "config.env").write_text(f"aws_access_key_id = {planted}\n")
        ctx.runner.run([*git, "add", "config.env"], env=env)
        blocked = ctx.runner.run([*git, "commit", "-q", "-m", "canary"], env=env, timeout=60)
        if blocked.ok:
            return "a test commit holding a planted AWS key went through"
        if planted in blocked.stdout + blocked.stderr:
            return "the hook showed the planted secret instead of masking it"
        ctx.runner.run([*git, "rm", "-q", "--cached", "config.env"], env=env)
        (tmp / "config.env").write_text("aws_profile = data-dev\n")
        ctx.runner.run([*git, "add", "config.env"], env=env)
        innocent = ctx.runner.run([*git, "commit", "-q", "-m", "innocent"], env=env, timeout=60)
        if not innocent.ok:
            return f"the hook also blocked an innocent commit ({ctx.tilde(innocent.explain())})"
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
