"""A laptop's account: a real unprivileged user (useradd), run through `runuser`, with real sudo.

The tests run as root in CI; bootstrap must be tried as the person a managed laptop has: an
account sudo refuses ("Sorry, user X may not run sudo on HOST."), or one sudo lets in without a
password. The account runs this checkout's bootstrap with a Python it can execute: a virtual
environment of the system's Python that sees the test environment's packages (the test venv's
own interpreter may live in root's home, which other accounts cannot enter).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Optional

import pytest

from tests.conftest import IN_CI

REPO = Path(__file__).resolve().parents[2]
SUDOERS = Path("/etc/sudoers.d")


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


class Account:
    """A user with a fresh home under a folder every account can enter."""

    def __init__(self, name: str, base: Path, nopasswd_sudo: bool = False) -> None:
        self.name = name
        self.home = base / name
        self.home.mkdir(mode=0o755)
        if subprocess.run(["id", "-u", name], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/bash", name], check=True)
        subprocess.run(["chown", f"{name}:", str(self.home)], check=True)
        self.sudoers = SUDOERS / f"bootstrap-test-{name}"
        if nopasswd_sudo:
            self.sudoers.write_text(f"{name} ALL=(ALL) NOPASSWD: ALL\n")
            self.sudoers.chmod(0o440)
        elif self.sudoers.exists():
            self.sudoers.unlink()

    def remove(self) -> None:
        if self.sudoers.exists():
            self.sudoers.unlink()

    def run(
        self, argv: list[str], env: Optional[dict[str, str]] = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """argv as this user, with a laptop's environment (nothing of root's but what env adds)."""
        base = {
            "HOME": str(self.home),
            "USER": self.name,
            "LOGNAME": self.name,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "BOOTSTRAP_SKIP": "",
        }
        full = {**base, **(env or {})}
        return subprocess.run(
            ["runuser", "-u", self.name, "--", "env", "-i", *(f"{k}={v}" for k, v in full.items()), *argv],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=self.home,
            timeout=timeout,
            check=False,
        )


def shared_base() -> Path:
    """A folder every account can enter (pytest's own is root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="bootstrap-laptop-"))
    base.chmod(0o755)
    return base


def python_for_accounts(base: Path) -> Path:
    """A Python other accounts can run, importing this checkout's bootstrap and its dependencies."""
    for tool in ("runuser", "useradd", "sudo"):
        if shutil.which(tool) is None:
            _unavailable(f"{tool} is not installed (.ci/run installs sudo)")
    if os.geteuid() != 0:
        _unavailable("creating a user without admin rights needs root (CI runs as root)")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [Path(getattr(sys, "_base_executable", sys.executable)), Path(f"/usr/bin/python{version}")]
    site = sysconfig.get_paths()["purelib"]
    venv = base / "python"
    for candidate in candidates:
        if not candidate.is_file():
            continue
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([str(candidate), "-m", "venv", "--without-pip", str(venv)], check=True)
        inner = Path(
            subprocess.check_output(
                [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                text=True,
            ).strip()
        )
        # `import` lines of a .pth run: addsitedir also reads the test venv's own .pth files
        (inner / "bootstrap-tests.pth").write_text(f"import site; site.addsitedir({site!r})\n")
        subprocess.run(["chmod", "-R", "a+rX", str(venv)], check=True)
        probe = subprocess.run(
            ["runuser", "-u", "nobody", "--", str(venv / "bin" / "python"), "-c", "import bootstrap, pydantic, yaml"],
            capture_output=True,
            text=True,
            cwd="/",
        )
        if probe.returncode == 0:
            return venv / "bin" / "python"
    _unavailable(f"no Python that other accounts can run imports bootstrap from {REPO}")
    raise AssertionError("unreachable")
