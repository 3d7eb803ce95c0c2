"""`bootstrap connections check`, doctor's connections.* checks and `connections exec`, against
a real PostgreSQL with the password in a real pass store, and a real DuckDB file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support.net import free_port
from tests.support.postgres import Server, postgres
from tests.support.secrets import fingerprint, gnupg, pass_insert

__all__ = ["gnupg", "postgres"]  # fixtures

CANARY = "Canary-Pg-Pw-7f3a9"
ONLY = {"BOOTSTRAP_SKIP": "packages,shell,secrets,aws,terraform,git,dotfiles"}


@pytest.fixture(scope="module")
def roles(postgres: Server) -> Server:
    postgres.sql(
        f"CREATE ROLE dana LOGIN PASSWORD '{CANARY}'",
        "CREATE DATABASE analytics",
        "CREATE DATABASE restricted",
        "REVOKE CONNECT ON DATABASE restricted FROM PUBLIC",
    )
    return postgres


@pytest.fixture
def store(gnupg: Path, home: Path) -> Iterator[None]:
    need("pass")
    subprocess.run(["pass", "init", fingerprint()], check=True, capture_output=True)
    pass_insert("data/warehouse", CANARY + "\n")
    yield


def profile(tmp_path: Path, port: int, database: str = "analytics") -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(
        "schema: 1\n"
        "components:\n"
        "  connections:\n"
        "    warehouse:\n"
        "      type: postgres\n"
        "      host: 127.0.0.1\n"
        f"      port: {port}\n"
        f"      database: {database}\n"
        "      user: dana\n"
        "      password: pass://data/warehouse\n"
        "      dbt: {profile: acme, target: dev, schema: dbt_dana}\n"
    )
    return path


def words(text: str) -> str:
    """The printed text as one line: the report wraps to the terminal's width."""
    return " ".join(text.split())


def files_holding(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_run_writes_no_password_and_the_check_runs_a_real_query(
    tmp_path: Path, home: Path, roles: Server, store: None
) -> None:
    team = profile(tmp_path, roles.port)
    run = bootstrap("run", "--yes", "--profile", str(team), env=ONLY)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "DBT_ENV_SECRET_WAREHOUSE_PASSWORD" in (home / ".dbt" / "profiles.yml").read_text()
    assert (
        f"[warehouse]\nhost=127.0.0.1\nport={roles.port}\ndbname=analytics\nuser=dana\n"
        in (home / ".pg_service.conf").read_text()
    )
    assert files_holding(home, CANARY) == []  # the store keeps it encrypted; nothing else holds it

    check = bootstrap("connections", "check", "--profile", str(team))
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"ok warehouse: select 1 ran on analytics at 127.0.0.1:{roles.port} as dana" in words(check.stdout)
    assert CANARY not in words(check.stdout) + check.stderr

    doctor = bootstrap("doctor", "--json", "--profile", str(team), env=ONLY)
    found = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert found["connections.warehouse"]["status"] == "ok", found["connections.warehouse"]
    offline = bootstrap("doctor", "--json", "--offline", "--profile", str(team), env=ONLY)
    skipped = {c["id"]: c for c in json.loads(offline.stdout)["checks"]}["connections.warehouse"]
    assert skipped["status"] == "skipped"

    # the program gets the service and the password in its environment, and psql connects with them
    psql = need("psql")
    who = bootstrap("connections", "exec", "--profile", str(team), "warehouse", "--", psql, "-tAc",
                    "select current_user || '@' || current_database()")  # fmt: skip
    assert who.returncode == 0, who.stderr
    assert who.stdout.strip() == "dana@analytics"
    assert CANARY not in who.stdout + who.stderr
    assert files_holding(home, CANARY) == []


def test_a_wrong_password_says_so_with_the_command_that_replaces_it(tmp_path: Path, roles: Server, store: None) -> None:
    pass_insert("data/warehouse", "not-the-password\n")
    check = bootstrap("connections", "check", "warehouse", "--profile", str(profile(tmp_path, roles.port)))
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"FAILED warehouse: 127.0.0.1:{roles.port} refused the password of dana: wrong or expired" in words(
        check.stdout
    )
    assert "next: bootstrap secrets set pass://data/warehouse --replace" in words(check.stdout)
    assert "not-the-password" not in words(check.stdout) + check.stderr


def test_a_missing_grant_gives_the_grant_to_ask_for(tmp_path: Path, roles: Server, store: None) -> None:
    check = bootstrap("connections", "check", "--profile", str(profile(tmp_path, roles.port, "restricted")))
    assert check.returncode == 1, check.stdout + check.stderr
    assert "permission denied" in words(check.stdout)
    assert """ask the database's administrator to run: GRANT CONNECT ON DATABASE "restricted" TO "dana";""" in (
        words(check.stdout)
    )


def test_a_server_that_does_not_answer_is_out_of_reach(tmp_path: Path, roles: Server, store: None) -> None:
    # nothing listens on this port: the server is down (or behind a VPN that is off)
    check = bootstrap("connections", "check", "--profile", str(profile(tmp_path, free_port())))
    assert check.returncode == 1, check.stdout + check.stderr
    assert "FAILED warehouse: cannot reach 127.0.0.1:" in words(check.stdout)
    assert "check your network or VPN" in words(check.stdout)


def test_an_unknown_name_is_bad_input(tmp_path: Path) -> None:
    team = profile(tmp_path, 5432)
    check = bootstrap("connections", "check", "warehose", "--profile", str(team))
    assert check.returncode == 2
    assert "warehose is not a connection of this profile" in check.stderr and "warehouse" in check.stderr
    run = bootstrap("connections", "exec", "--profile", str(team), "nope", "--", "true")
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_duckdb_for_real(tmp_path: Path, home: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    (home / "data").mkdir()
    with duckdb.connect(str(home / "data" / "local.duckdb")) as db:
        db.execute("create table t as select 42 as x")
    team = tmp_path / "team.yaml"
    team.write_text(
        "schema: 1\ncomponents:\n  connections:\n"
        "    local: {type: duckdb, path: ~/data/local.duckdb}\n"
        "    gone: {type: duckdb, path: ~/data/missing.duckdb}\n"
    )
    check = bootstrap("connections", "check", "--profile", str(team))
    assert check.returncode == 1, check.stdout + check.stderr
    assert "ok local: select 1 ran on ~/data/local.duckdb" in words(check.stdout)
    assert "FAILED gone: the DuckDB file ~/data/missing.duckdb does not exist yet" in words(check.stdout)
    assert not (home / "data" / "missing.duckdb").exists()  # a check never creates a database
    one = bootstrap("connections", "check", "local", "--profile", str(team))
    assert one.returncode == 0, one.stdout + one.stderr


def test_help_and_a_doctor_without_connections_load_no_driver(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "import importlib\n"
        "main = importlib.import_module('bootstrap.cli.main')\n"
        "for args in (['--help'], ['connections', '--help'], ['doctor', '--offline', '--json']):\n"
        "    try:\n"
        "        main.app(args, standalone_mode=True)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "loaded = [m for m in ('psycopg', 'duckdb', 'snowflake', 'pyathena', 'ruamel') if m in sys.modules]\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert "LOADED []" in result.stderr, result.stderr[-2000:]
    assert '"checks"' in result.stdout and "connections" in result.stdout  # doctor ran; the help lists the group


DBT_WHEELS = Path(__file__).resolve().parent.parent / ".ci" / "wheels" / "dbt"


@pytest.fixture(scope="module")
def dbt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dbt-core and dbt-postgres in a virtual environment of their own, from the wheels .ci/run downloaded."""
    from tests.conftest import IN_CI

    if not list(DBT_WHEELS.glob("dbt_core-*.whl")) or not list(DBT_WHEELS.glob("dbt_postgres-*.whl")):
        message = f"no dbt wheels in {DBT_WHEELS} (.ci/run downloads them before the tests)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    venv = tmp_path_factory.mktemp("dbt") / "venv"
    python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-index", "--find-links", str(DBT_WHEELS), "dbt-core", "dbt-postgres"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-2000:]
    return venv / "bin" / "dbt"


def test_secrets_exec_gives_dbt_debug_the_password(
    tmp_path: Path, home: Path, roles: Server, store: None, dbt: Path
) -> None:
    team = profile(tmp_path, roles.port)
    run = bootstrap("run", "--yes", "--profile", str(team), env=ONLY)
    assert run.returncode == 0, run.stdout + run.stderr
    project = tmp_path / "project"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: demo\nversion: '1.0'\nprofile: acme\nconfig-version: 2\n")
    quiet = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1", "DBT_USE_COLORS": "false"}
    debug = bootstrap("secrets", "exec", "--profile", str(team), "--", str(dbt), "debug", env=quiet, cwd=project)
    assert debug.returncode == 0, debug.stdout[-3000:] + debug.stderr[-2000:]
    assert "All checks passed!" in debug.stdout
    assert "Connection test: [OK connection ok]" in debug.stdout
    assert CANARY not in debug.stdout + debug.stderr
    assert files_holding(home, CANARY) == [] and files_holding(project, CANARY) == []

    # without the variable dbt cannot sign in: the password really comes from the store, at run time
    bare = subprocess.run([str(dbt), "debug"], cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **quiet}, check=False)  # fmt: skip
    assert bare.returncode != 0
    assert 'Credentials in profile "acme", target "dev" invalid' in bare.stdout


@pytest.mark.slow
def test_the_report_in_a_terminal_of_80_columns(tmp_path: Path, home: Path) -> None:
    """What a person sees: each failure and its next step whole, nothing cut, wrapped at spaces."""
    from tests.support.tmux import DONE, Terminal

    duckdb = pytest.importorskip("duckdb")
    need("tmux")
    (home / "data").mkdir()
    duckdb.connect(str(home / "data" / "local.duckdb")).close()
    team = tmp_path / "team.yaml"
    team.write_text(
        "schema: 1\ncomponents:\n  connections:\n"
        "    local: {type: duckdb, path: ~/data/local.duckdb}\n"
        "    a_rather_long_connection_name: {type: duckdb, path: ~/data/a/folder/deep/down/the/tree/missing.duckdb}\n"
        "    bq: {type: bigquery, project: acme-analytics}\n"
    )
    env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for name in ("COLUMNS", "LINES", "NO_COLOR"):
        env.pop(name, None)
    terminal = Terminal(tmp_path / "tmux.sock", env, home, 80, 24, f"bootstrap connections check --profile {team}")
    try:
        code = terminal.wait()
        history = terminal.history()
    finally:
        terminal.close()
    printed = history[: next(n for n, row in enumerate(history) if row.startswith(DONE))]
    assert code == 1, printed
    assert all(len(row) <= 80 for row in printed), printed
    text = words("\n".join(printed))
    assert "ok local: select 1 ran on ~/data/local.duckdb" in text
    assert (
        "FAILED a_rather_long_connection_name: the DuckDB file "
        "~/data/a/folder/deep/down/the/tree/missing.duckdb does not exist yet" in text
    )
    assert "next: duckdb ~/data/a/folder/deep/down/the/tree/missing.duckdb" in text
    assert "-- bq: bigquery connections are written into the tools' files but not queried by bootstrap yet" in text
    assert "1 of 3 connection(s) could not run a query: a_rather_long_connection_name." in text


def test_a_password_in_pass_has_the_run_set_up_the_store(tmp_path: Path, home: Path, gnupg: Path) -> None:
    need("pass")
    team = profile(tmp_path, 5432)  # no secrets: block, only a connection whose password is in pass
    plan = bootstrap("plan", "--only", "secrets", "--profile", str(team))
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "Create a password store in ~/.password-store" in " ".join(plan.stdout.split())


def test_a_password_missing_from_the_store_is_named_with_its_fix(tmp_path: Path, gnupg: Path, home: Path) -> None:
    need("pass")
    subprocess.run(["pass", "init", fingerprint()], check=True, capture_output=True)
    check = bootstrap("connections", "check", "--profile", str(profile(tmp_path, free_port())))
    assert check.returncode == 1, check.stdout + check.stderr
    text = words(check.stdout)
    assert "FAILED warehouse: its password (pass://data/warehouse) could not be read" in text
    assert "next:" in text and "data/warehouse" in text.split("next:", 1)[1]
