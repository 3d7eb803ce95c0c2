"""How this platform installs and finds system packages, as commands to show and to run.

One family, one package manager: Homebrew on macOS, apt on Debian and Ubuntu, dnf on Fedora.
Everything here returns argv lists or parses what the manager printed; running them is the
caller's business (through `proc.Runner`), so plan can show exactly what run will do.
"""

from __future__ import annotations

import os
from typing import Optional

from bootstrap.context import Platform

Argv = tuple[str, ...]

# family -> (manager, the program that must be on PATH)
MANAGERS = {"macos": ("brew", "brew"), "debian": ("apt", "apt-get"), "fedora": ("dnf", "dnf")}
HOMEBREW_INSTALL = '/bin/bash -c "$(curl -fsSL https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh)"'
HOMEBREW_DOCS = "https://brew.sh"


def manager(platform: Platform) -> Optional[str]:
    """brew, apt or dnf; None where bootstrap installs no system packages."""
    found = MANAGERS.get(platform.family)
    return found[0] if found else None


def program(platform: Platform) -> Optional[str]:
    found = MANAGERS.get(platform.family)
    return found[1] if found else None


def is_root() -> bool:
    return os.geteuid() == 0


def needs_sudo(platform: Platform, root: bool) -> bool:
    """Homebrew refuses to run as root and never needs sudo; apt and dnf need root."""
    return not root and manager(platform) in ("apt", "dnf")


def install_commands(platform: Platform, package: str, is_root: Optional[bool] = None) -> list[Argv]:
    """The commands that install package here; [] when we do not know this platform."""
    return batch_install(platform, [package], root=os_root(is_root))


def os_root(given: Optional[bool]) -> bool:
    return is_root() if given is None else given


def batch_install(platform: Platform, packages: list[str], *, root: bool, sudo: Argv = ("sudo",)) -> list[Argv]:
    """One install command for all packages (plus apt's index refresh before it)."""
    if not packages:
        return []
    prefix: Argv = () if not needs_sudo(platform, root) else sudo
    kind = manager(platform)
    if kind == "brew":
        return [("brew", "install", *packages)]
    if kind == "apt":
        return [(*prefix, "apt-get", "update"), (*prefix, "apt-get", "install", "-y", *packages)]
    if kind == "dnf":
        return [(*prefix, "dnf", "install", "-y", *packages)]
    return []


def query_command(platform: Platform, packages: list[str]) -> Optional[Argv]:
    """A read-only command listing which of packages are installed, and at which version."""
    kind = manager(platform)
    if kind == "brew":
        return ("brew", "list", "--versions", *packages)
    if kind == "apt":
        return ("dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Version}\n", *packages)
    if kind == "dnf":
        return ("rpm", "-q", "--qf", "%{NAME}\t%{VERSION}\n", *packages)
    return None


def parse_query(platform: Platform, output: str) -> dict[str, str]:
    """Installed package -> version, from query_command's output (missing ones are absent).

    `brew list --versions` prints `name v1 v2` (every installed version, newest last), dpkg
    prints a status whose second letter is `i` when the package is really installed (`rc`
    means removed with its configuration left behind), rpm prints a sentence for a package
    that is not installed.
    """
    kind = manager(platform)
    found: dict[str, str] = {}
    for line in output.splitlines():
        if kind == "brew":
            parts = line.split()
            if len(parts) >= 2:
                found[parts[0]] = parts[-1]
            continue
        fields = line.split("\t")
        if kind == "apt" and len(fields) == 3 and fields[1][1:2] == "i":
            found[fields[0].split(":")[0]] = fields[2]
        elif kind == "dnf" and len(fields) == 2:
            found[fields[0]] = fields[1]
    return found


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


def manager_install_hint(platform: Platform) -> str:
    """How to get the package manager itself; Homebrew's is its official installer."""
    kind = manager(platform)
    if kind == "brew":
        return HOMEBREW_INSTALL
    if kind == "apt":
        return "apt-get is part of every Debian and Ubuntu system; reinstall the `apt` package or ask IT for help"
    if kind == "dnf":
        return "sudo yum install dnf"
    return "install your system's package manager"
