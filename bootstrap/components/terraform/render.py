"""How Terraform commands show themselves: the download progress bar and `which`/`list` lines."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from bootstrap.components.terraform.component import Choice
    from bootstrap.components.terraform.pinned import Fallback
    from bootstrap.components.terraform.tools import Tool
    from bootstrap.system.context import Context
    from bootstrap.system.releases import Progress


@contextlib.contextmanager
def download_progress(ctx: Context, label: str) -> Iterator[Optional[Progress]]:
    """A rich progress bar on a terminal; nothing when output is piped (logs stay clean)."""
    console = ctx.err_console
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"Downloading {label}", total=None)

        def update(done: int, total: Optional[int]) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def which_lines(ctx: Context, tool: Tool, choice: Choice) -> list[str]:
    """The version first on line one (scripts read it), then where it is and what decided it."""
    state = "installed" if choice.installed else f"not installed yet: bootstrap {tool.command} install {choice.version}"
    lines = [f"{choice.version} ({state})"]
    spec = choice.pin.spec
    said = f" says '{spec}'" if spec != str(choice.version) else ""
    if choice.pin.file is not None:
        lines.append(f"chosen by {choice.pin.where(ctx.tilde)}{said}")
    else:
        lines.append(f"chosen by the profile's {tool.setting}.version{said}")
    if choice.pin.source == "required_version":
        lines.append(
            f"this project pins {tool.product} only through required_version; `bootstrap {tool.command} use "
            f"{choice.version}` writes a {tool.version_file} that makes every {tool.command} call faster"
        )
    if choice.note:
        lines.append(choice.note)
    return [ctx.tilde(line) for line in lines]


def fallback_lines(ctx: Context, tool: Tool, other: Fallback) -> list[str]:
    """`terragrunt which` where nothing pins a version: what runs (version first, as above), and why.

    (`terraform which` says "nothing pins" with exit 2 instead, as tfenv, tenv and tfswitch do.)"""
    where = ctx.tilde(other.path) if other.system else "installed"
    return [
        f"{other.version or 'unknown version'} ({where})",
        other.words(ctx.tilde),
        f"to pin a version for this folder, write it in {tool.version_file}",
    ]
