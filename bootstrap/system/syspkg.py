"""How this platform installs and finds system packages, as commands to show and to run.

One family, one package manager: Homebrew on macOS, apt on Debian and Ubuntu, dnf on Fedora.
Everything here returns argv lists or parses what the manager printed; running them is the
caller's business (through `proc.Runner`), so plan can show exactly what run will do. The one
probe is `admin_rights`: whether this account may install system software at all.

apt and dnf install only what is named: no recommended (weak) dependencies unless asked for,
so the plan's "Install 1 package" does not become 48.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Optional

from bootstrap.system.context import Platform
from bootstrap.system.proc import Runner, reason

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


@dataclass(frozen=True)
class Admin:
    """Whether this account may install system software, and how."""

    how: str  # "root"; "sudo" (it asks no password); "password" (sudo asks for it); "none"
    why: str = ""  # for "none": what stands in the way, in sudo's own words when it said any

    @property
    def can(self) -> bool:
        return self.how != "none"


ROOT = Admin("root")
# Groups whose members may use sudo on the usual distributions (Debian/Ubuntu, Fedora, macOS)
SUDO_GROUPS = ("sudo", "wheel", "admin")


def admin_rights(runner: Runner) -> Admin:
    """Root, or what `sudo -n true` and `sudo -n -v` say without asking anything (no terminal, no password).

    `-v` tells apart a user sudo refuses outright ("Sorry, user X may not run sudo on HOST.")
    from one it would let in after a password ("a password is required"); when it says neither
    (an unusual sudo set-up), membership of a sudo group decides.
    """
    if is_root():
        return ROOT
    sudo = runner.which("sudo")
    if sudo is None:
        return Admin("none", "sudo is not installed on this computer")
    # A command first: `-v` asks for a password when any sudoers entry of the user wants one
    # (Debian's `%sudo ALL=(ALL:ALL) ALL` beside a NOPASSWD line), although commands run without.
    if runner.run([sudo, "-n", "true"], timeout=10).ok:
        return Admin("sudo")
    probe = runner.run([sudo, "-n", "-v"], timeout=10)
    said = " ".join(reason(probe.stderr or probe.stdout)).rstrip(".")
    if re.search(r"may not run sudo|not in the sudoers|not allowed to", said, re.IGNORECASE):
        return Admin("none", f'sudo answers "{said}"')
    if re.search(r"password is required", said, re.IGNORECASE) or in_sudo_group():
        return Admin("password")
    return Admin("none", f'sudo answers "{said}"' if said else "sudo does not let this account in")


def in_sudo_group() -> bool:
    import grp

    try:
        names = {grp.getgrgid(gid).gr_name for gid in os.getgroups()}
    except (KeyError, OSError):
        return False
    return bool(names & set(SUDO_GROUPS))


def needs_sudo(platform: Platform, root: bool) -> bool:
    """Homebrew refuses to run as root and never needs sudo; apt and dnf need root."""
    return not root and manager(platform) in ("apt", "dnf")


def install_commands(platform: Platform, package: str, is_root: Optional[bool] = None) -> list[Argv]:
    """The commands that install package here; [] when we do not know this platform."""
    return batch_install(platform, [package], root=os_root(is_root))


def os_root(given: Optional[bool]) -> bool:
    return is_root() if given is None else given


def batch_install(
    platform: Platform,
    packages: list[str],
    *,
    root: bool,
    sudo: Argv = ("sudo",),
    recommends: tuple[str, ...] = (),
) -> list[Argv]:
    """One install command for all packages (plus apt's index refresh before it).

    Only what is named is installed: apt's recommended and dnf's weak dependencies are left out,
    except for the packages in `recommends` (a profile's `recommends: true`), installed in a
    second call that lets them in.
    """
    if not packages:
        return []
    prefix: Argv = () if not needs_sudo(platform, root) else sudo
    kind = manager(platform)
    plain = [p for p in packages if p not in recommends]
    rich = [p for p in packages if p in recommends]
    if kind == "brew":
        return [("brew", "install", *packages)]
    if kind == "apt":
        return [
            (*prefix, "apt-get", "update"),
            *([(*prefix, "apt-get", "install", "-y", "--no-install-recommends", *plain)] if plain else []),
            *([(*prefix, "apt-get", "install", "-y", *rich)] if rich else []),
        ]
    if kind == "dnf":
        return [
            *([(*prefix, "dnf", "install", "-y", "--setopt=install_weak_deps=False", *plain)] if plain else []),
            *([(*prefix, "dnf", "install", "-y", *rich)] if rich else []),
        ]
    return []


def shown(commands: list[Argv]) -> str:
    """Commands as one line a person can paste (or hand to IT)."""
    import shlex

    return " && ".join(shlex.join(c) for c in commands)


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
    return shown(commands)


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
