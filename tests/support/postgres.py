"""A real PostgreSQL server for a test module: Debian's server binaries, run by an unprivileged
account (initdb refuses root) on a loopback port, with password sign-in over TCP."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.support.net import free_port
from tests.support.users import Account, shared_base

ADMIN_PASSWORD = "admin-Pg-only-for-tests"


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def server_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        _unavailable("PostgreSQL's server is not installed (.ci/run installs the postgresql package)")
    return Path(found[-1]).parent


@dataclass
class Server:
    port: int
    account: Account
    data: Path
    bin: Path

    def sql(self, *statements: str, database: str = "postgres") -> None:
        """Statements run as the server's administrator, over TCP with its password."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="admin", password=ADMIN_PASSWORD, dbname=database, autocommit=True
        ) as db:
            for statement in statements:
                db.execute(statement)

    def ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.account.run([str(self.bin / "pg_ctl"), "-D", str(self.data), *args], timeout=120)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Server]:
    pytest.importorskip("psycopg")  # a test extra; a skip fails under CI
    binaries = server_bin()
    for tool in ("runuser", "useradd"):
        if shutil.which(tool) is None:
            _unavailable(f"{tool} is not installed")
    if os.geteuid() != 0:
        _unavailable("starting PostgreSQL as another account needs root (CI runs as root)")
    base = shared_base()
    account = Account("bspg", base)
    data, sockets, pwfile = account.home / "data", account.home / "sock", account.home / "pw"
    sockets.mkdir()
    pwfile.write_text(ADMIN_PASSWORD + "\n")
    subprocess.run(["chown", "-R", "bspg:", str(account.home)], check=True)
    init = account.run(
        [str(binaries / "initdb"), "-D", str(data), "-U", "admin", f"--pwfile={pwfile}",
         "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"],
        timeout=180,
    )  # fmt: skip
    assert init.returncode == 0, init.stdout + init.stderr
    port = free_port()
    server = Server(port, account, data, binaries)
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    started = server.ctl("-o", options, "-l", str(account.home / "log"), "-w", "start")
    assert started.returncode == 0, started.stdout + started.stderr + (account.home / "log").read_text()
    try:
        yield server
    finally:
        server.ctl("-m", "immediate", "stop")
        account.remove()
        shutil.rmtree(base, ignore_errors=True)
