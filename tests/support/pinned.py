"""What the tests of pinned tools (Terragrunt, OpenTofu) look at: the versions folder, the
command as a person types it, and doctor's checks."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import bootstrap
from tests.support.ghreleases import GitHubReleases
from tests.support.tfmirror import Faults


def served(site: GitHubReleases, home: Path, tool: str) -> dict[str, str]:
    """The environment that points a tool (TERRAGRUNT, TOFU) at the local site, faults cleared,
    with ~/.local/bin first on PATH (where the shim goes)."""
    site.faults.by_name.clear()
    site.faults.hits.clear()
    return {
        f"BOOTSTRAP_{tool}_MIRROR": site.mirror,
        f"BOOTSTRAP_{tool}_API": site.api,
        "BOOTSTRAP_TERRAFORM_TIMEOUT": "1",
        "PATH": f"{home / '.local' / 'bin'}:{os.environ['PATH']}",
    }


def inject(faults: Faults, folder: Path, wanted: dict[str, object]) -> None:
    """Serve each named file with its fault instead; "alter" serves the file with one byte flipped."""
    for name, fault in wanted.items():
        if fault == "alter":
            data = bytearray((folder / name).read_bytes())
            data[len(data) // 2] ^= 0xFF
            fault = bytes(data)
        faults.by_name[name] = fault


def versions_dir(home: Path, folder: str) -> Path:
    return home / ".local" / "share" / "bootstrap" / folder / "versions"


def nothing_installed(home: Path, folder: str, command: str, version: str) -> None:
    """No version folder, no half-made one, no command in ~/.local/bin."""
    root = versions_dir(home, folder)
    assert not (root / version).exists()
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(f".{version}.")] if root.exists() else []
    assert leftovers == []
    assert not (home / ".local" / "bin" / command).exists()


def typed(
    home: Path, cwd: Path, env: dict[str, str], command: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The command as the user types it: whatever PATH finds first (our shim)."""
    return subprocess.run(
        [command, *args],
        cwd=cwd,
        env={**os.environ, **env, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def doctor_checks(home: Path, env: dict[str, str], team: Path) -> dict[str, dict[str, object]]:
    doctor = bootstrap("doctor", "--json", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    return {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}


@dataclass(frozen=True)
class Program:
    """One pinned tool as its tests see it: `<data>/<folder>/versions` and the `command` on PATH."""

    folder: str
    command: str
    timeout: float = 120  # for one call of the program (a real Terraform's first start is slow)

    def versions_dir(self, home: Path) -> Path:
        return versions_dir(home, self.folder)

    def nothing_installed(self, home: Path, version: str) -> None:
        nothing_installed(home, self.folder, self.command, version)

    def typed(self, home: Path, cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
        return typed(home, cwd, env, self.command, *args, timeout=self.timeout)
