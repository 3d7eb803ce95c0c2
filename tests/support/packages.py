"""Contexts for a fake macOS (Homebrew faked on PATH) and a fake Debian, for the packages tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bootstrap.system.context import Context, Platform
from bootstrap.system.paths import user_paths
from bootstrap.system.proc import Runner

SUPPORT = Path(__file__).resolve().parent
MACOS = Platform("darwin", "arm64", version="14.5")
DEBIAN = Platform("linux", "amd64", distro="debian", version="12")
FEDORA = Platform("linux", "amd64", distro="fedora", version="40")


def homebrew(root: Path, formulae: dict[str, str]) -> tuple[Path, Path]:
    """A Homebrew prefix whose catalogue holds formulae; returns (prefix, bin folder for PATH)."""
    prefix = root / "homebrew"
    (prefix / "Cellar").mkdir(parents=True)
    (prefix / "formulae").write_text("".join(f"{name} {version}\n" for name, version in formulae.items()))
    bin_dir = root / "brew-bin"
    bin_dir.mkdir()
    shutil.copy(SUPPORT / "brew", bin_dir / "brew")
    return prefix, bin_dir


def context(home: Path, platform: Platform, path: str, **env: str) -> Context:
    full = {**os.environ, "HOME": str(home), "PATH": path, **env}
    return Context(
        env=full,
        home=home,
        platform=platform,
        login_shell="/bin/bash",
        paths=user_paths(home),
        runner=Runner(full),
        interactive=False,
    )
