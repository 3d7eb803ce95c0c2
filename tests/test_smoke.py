from __future__ import annotations

from tests.conftest import bootstrap


def test_version_and_help_exit_zero() -> None:
    version = bootstrap("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("bootstrap ")
    helped = bootstrap("--help")
    assert helped.returncode == 0
    for command in ("run", "plan", "doctor", "undo", "profile"):
        assert command in helped.stdout
