"""The git credential helper for HTTPS remotes: the platform's own password store.

macOS: osxkeychain (shipped with git). Linux: Git Credential Manager, or git's libsecret
helper (GNOME Keyring, KWallet), whichever is installed; git must be able to find it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from bootstrap.system.context import Context, Platform

DOCS = "https://git-scm.com/doc/credential-helpers"
# Debian ships libsecret's helper as source; built in place, it lands here.
DEBIAN_LIBSECRET = Path("/usr/share/doc/git/contrib/credential/libsecret/git-credential-libsecret")


def configured(ctx: Context) -> list[str]:
    """Every credential.helper git uses here, from any of its config files."""
    result = ctx.runner.run(["git", "config", "--get-all", "credential.helper"], timeout=10, cwd=ctx.home)
    return [line for line in result.stdout.splitlines() if line.strip()] if result.ok else []


def _exec_path(ctx: Context) -> Optional[Path]:
    result = ctx.runner.run(["git", "--exec-path"], timeout=10)
    return Path(result.stdout.strip()) if result.ok and result.stdout.strip() else None


def _git_finds(ctx: Context, helper: str) -> bool:
    program = f"git-credential-{helper}"
    folder = _exec_path(ctx)
    return (folder is not None and (folder / program).is_file()) or ctx.runner.which(program) is not None


def available(ctx: Context) -> Optional[str]:
    """The value for credential.helper on this machine, or None when no store is installed."""
    if ctx.platform.os == "darwin":
        return "osxkeychain" if _git_finds(ctx, "osxkeychain") else None
    if ctx.runner.which("git-credential-manager") is not None:
        return "manager"
    if _git_finds(ctx, "libsecret"):
        return "libsecret"
    if DEBIAN_LIBSECRET.is_file():
        return str(DEBIAN_LIBSECRET)
    return None


def install_hint(platform: Platform) -> str:
    if platform.os == "darwin":
        return "brew install git (its osxkeychain helper keeps HTTPS passwords in your Keychain), then bootstrap run --only git"
    if platform.family == "fedora":
        return "sudo dnf install git-credential-libsecret, then bootstrap run --only git"
    if platform.family == "debian":
        return (
            "sudo apt-get install libsecret-1-dev make gcc && sudo make -C /usr/share/doc/git/contrib/credential/libsecret, "
            "then bootstrap run --only git (or install Git Credential Manager)"
        )
    return "install Git Credential Manager (https://github.com/git-ecosystem/git-credential-manager), then bootstrap run --only git"
