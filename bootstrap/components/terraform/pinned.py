"""What Terraform and Terragrunt share: programs bootstrap installs from a release site and
puts on PATH as a small command (the network's timeout and advice, the versions folder, the
program the person had before, the command in ~/.local/bin and whether typing it runs ours).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bootstrap.components.terraform.constraints import Version, try_version
from bootstrap.system import releases
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure, UserError
from bootstrap.system.findings import Outcome
from bootstrap.system.steps import FileChange, Step

NAME = "terraform"  # the component these commands belong to (Terragrunt is part of it)


def timeout(ctx: Context) -> float:
    """Seconds any network wait may take (Terraform's and Terragrunt's downloads alike)."""
    raw = ctx.env.get("BOOTSTRAP_TERRAFORM_TIMEOUT", "30")
    try:
        return float(raw)
    except ValueError:
        raise UserError(f"BOOTSTRAP_TERRAFORM_TIMEOUT={raw} is not a number of seconds") from None


def offline(ctx: Context) -> bool:
    return ctx.offline or ctx.env.get("BOOTSTRAP_OFFLINE", "") not in ("", "0")


def reach_advice(mirror: str, mirror_from: str, setting: str, variable: str, command: str) -> str:
    """What to do when a release site cannot be reached: the network, the team's mirror, or
    working offline with what is installed (the same words for Terraform and Terragrunt)."""
    if mirror_from:
        where = f"check the network (or VPN) and the mirror address {mirror} (set by {mirror_from})"
    else:
        where = f"connect to the network (or VPN), or set your team's mirror ({setting} in the profile, or {variable})"
    return f"{where}; versions already installed keep working offline (bootstrap {command} list)"


def installed_in(root: Path, program: str) -> list[Version]:
    """The versions in a versions folder that have a receipt and the program."""
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        version = try_version(folder.name)
        if version is not None and (folder / releases.RECEIPT).is_file() and (folder / program).is_file():
            found.append(version)
    return sorted(found)


@dataclass(frozen=True)
class Fallback:
    """What the command runs where nothing pins a version."""

    path: Path
    version: str
    system: bool  # installed before bootstrap (not one of its versions)

    def words(self, tilde: Callable[[object], str]) -> str:
        return f"no version pinned here: using {self.what(tilde)}"

    def what(self, tilde: Callable[[object], str]) -> str:
        if self.system:
            return f"{tilde(self.path)} {self.version}".strip() + ", which was already installed"
        return f"{self.version}, the newest version bootstrap installed"


def next_on_path(ctx: Context, name: str, mark: str) -> Optional[Path]:
    """The first `name` on PATH that is not one of bootstrap's commands: the one the person had."""
    ours = (ctx.paths.user_bin / name).resolve()
    for folder in ctx.env.get("PATH", os.defpath).split(os.pathsep):
        if not folder or not os.path.isabs(folder):
            continue
        candidate = Path(folder) / name
        try:
            if not candidate.is_file() or not os.access(candidate, os.X_OK) or candidate.resolve() == ours:
                continue
            with candidate.open("rb") as handle:
                if mark.encode() in handle.read(1024):  # another copy of the shim: it would loop
                    continue
        except OSError:
            continue
        return candidate
    return None


def program_version(ctx: Context, program: Path, *args: str) -> str:
    """The version a program says it is (`terraform version`, `terragrunt --version`), or ""."""
    result = ctx.runner.run([program, *args], env={"CHECKPOINT_DISABLE": "1"}, timeout=15, cwd=ctx.home)
    found = re.search(r"\bv?(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)", result.stdout) if result.ok else None
    return found.group(1) if found else ""


def command_step(ctx: Context, path: Path, after: bytes, mark: str, product: str) -> Optional[Step]:
    """Put or update one of bootstrap's commands in ~/.local/bin; never overwrite anyone else's."""
    from bootstrap.system import files

    before = files.read(path)
    if before == after and (files.mode_of(path) or 0) & 0o111:
        return None
    if before is not None and mark.encode() not in before:
        raise Failure(
            f"{ctx.tilde(path)} exists and is not bootstrap's {product} shim; move it away "
            f"(`mv {ctx.tilde(path)} {ctx.tilde(path)}.old`), then run again"
        )
    what = "Put" if before is None else "Update"
    return Step(
        NAME,
        f"{what} the {path.name} command in {ctx.tilde(path)} (runs the version each project pins)",
        changes=(FileChange(path, before, after, 0o755),),
    )


def command_problem(ctx: Context, path: Path, mark: str, fix: str, docs: str) -> Optional[Outcome]:
    """Why typing the command does not run bootstrap's shim at path, or None when it does."""
    content = path.read_bytes() if path.is_file() else None
    if content is None or mark.encode() not in content:
        return Outcome("error", f"bootstrap's {path.name} command is not in {ctx.tilde(path)}", fix, docs)
    first = ctx.runner.which(path.name)
    if first is None or Path(first).resolve() != path.resolve():
        other = f"{first} runs instead" if first else f"{ctx.tilde(ctx.paths.user_bin)} is not on your PATH"
        return Outcome(
            "error",
            f"typing `{path.name}` does not run bootstrap's command: {other}",
            f'put {ctx.tilde(ctx.paths.user_bin)} first on PATH: export PATH="$HOME/.local/bin:$PATH" (then open a new terminal)',
        )
    return None
