"""How this platform installs a system package, as commands to show and to run."""

from __future__ import annotations

import os
from typing import Optional

from bootstrap.context import Platform


def install_commands(platform: Platform, package: str, is_root: Optional[bool] = None) -> list[tuple[str, ...]]:
    """The commands that install package here; [] when we do not know this platform."""
    sudo: tuple[str, ...] = () if (os.geteuid() == 0 if is_root is None else is_root) else ("sudo",)
    if platform.family == "macos":
        return [("brew", "install", package)]
    if platform.family == "debian":
        return [(*sudo, "apt-get", "update"), (*sudo, "apt-get", "install", "-y", package)]
    if platform.family == "fedora":
        return [(*sudo, "dnf", "install", "-y", package)]
    return []


def remove_command(platform: Platform, package: str) -> str:
    if platform.family == "macos":
        return f"brew uninstall {package}"
    if platform.family == "debian":
        return f"sudo apt-get remove {package}"
    if platform.family == "fedora":
        return f"sudo dnf remove {package}"
    return f"remove {package} with your system's package manager"


def install_hint(platform: Platform, package: str) -> str:
    commands = install_commands(platform, package)
    if not commands:
        return f"install {package} with your system's package manager"
    return " && ".join(" ".join(c) for c in commands)
