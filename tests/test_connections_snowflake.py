"""Snowflake connections through the official connector, with fakesnow standing in for
Snowflake's servers (patched into the real CLI's process); the browser sign-in cannot run
offline, so doctor's side of it is what is tested."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support.secrets import fingerprint, gnupg, pass_insert

__all__ = ["gnupg"]  # fixture

CANARY = "Canary-Snow-Pw-51c2"
# the real CLI, in a process where fakesnow answers for Snowflake
LAUNCH = (
    "import sys, fakesnow\n"
    "with fakesnow.patch():\n"
    "    from bootstrap.cli import main\n"
    "    sys.argv = ['bootstrap', *sys.argv[1:]]\n"
    "    main()\n"
)
TEAM = """\
schema: 1
components:
  connections:
    snow:
      type: snowflake
      account: acme-xy12345
      user: etl
      password: pass://data/snow
      warehouse: ANALYST_WH
      role: ANALYST
      database: ANALYTICS
      dbt: {profile: snow, target: dev}
    sso: {type: snowflake, account: acme-xy12345, user: dana@acme.com, authenticator: externalbrowser}
"""


@pytest.fixture
def store(gnupg: Path, home: Path) -> Iterator[None]:
    need("pass")
    subprocess.run(["pass", "init", fingerprint()], check=True, capture_output=True)
    pass_insert("data/snow", CANARY + "\n")
    yield


def test_a_snowflake_check_runs_a_query_through_the_connector(tmp_path: Path, home: Path, store: None) -> None:
    pytest.importorskip("fakesnow")
    pytest.importorskip("snowflake.connector")
    team = tmp_path / "team.yaml"
    team.write_text(TEAM)
    run = bootstrap("run", "--yes", "--only", "connections", "--profile", str(team))
    assert run.returncode == 0, run.stdout + run.stderr
    toml = (home / ".snowflake" / "connections.toml").read_text()
    assert '[snow]\naccount = "acme-xy12345"\nuser = "etl"\nwarehouse = "ANALYST_WH"\n' in toml
    assert CANARY not in toml and "password" not in toml

    check = subprocess.run(
        [sys.executable, "-c", LAUNCH, "connections", "check", "snow", "--profile", str(team)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ok snow: select 1 ran on Snowflake account acme-xy12345" in " ".join(check.stdout.split())
    assert CANARY not in check.stdout + check.stderr

    # doctor never opens a browser: the SSO connection says how to sign in and check
    doctor = bootstrap(
        "doctor",
        "--json",
        "--profile",
        str(team),
        env={"BOOTSTRAP_SKIP": "packages,shell,secrets,aws,terraform,git,dotfiles"},
    )
    sso = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}["connections.sso"]
    assert sso["status"] == "info"
    assert sso["fix"].startswith("bootstrap connections check sso")
