"""A real query (`select 1`) against one connection, and what a failure means in plain words.

Each driver is imported here, inside the probe, and nowhere else: `bootstrap --help` and a
doctor for a profile without connections never load one. Credentials come from the secrets
backends into memory and go straight to the driver; they are never written or printed.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Optional

from bootstrap.profiles.schema import CONNECTION_SECRETS, Connection

if TYPE_CHECKING:
    from bootstrap.system.context import Context

Kind = Literal[
    "ok", "password", "unreachable", "permission", "missing", "driver", "secret", "sign_in", "not_verified", "error"
]
TIMEOUT = 10  # seconds a connection may take before it counts as unreachable


@dataclass(frozen=True)
class Driver:
    """A database driver: the extra of bootstrap's package that brings it (same requirement as
    pyproject.toml's), the module it provides, and the oldest Python it runs on."""

    extra: str
    module: str
    requirement: str
    python: tuple[int, int] = (3, 9)

    @property
    def package(self) -> str:
        return re.split(r"[\[<>=]", self.requirement)[0]


_PSYCOPG = Driver("postgres", "psycopg", "psycopg[binary]>=3.1,<4")
DRIVERS: dict[str, Driver] = {
    "postgres": _PSYCOPG,
    "redshift": _PSYCOPG,
    "duckdb": Driver("duckdb", "duckdb", "duckdb>=0.10,<2"),
    "snowflake": Driver("snowflake", "snowflake.connector", "snowflake-connector-python>=3.6,<5"),
    "athena": Driver("athena", "pyathena", "pyathena>=3,<4"),
}


@dataclass(frozen=True)
class Reached:
    """What one connection attempt found; `fix` is the next step when it failed."""

    name: str
    kind: Kind
    summary: str
    fix: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def installed(driver: Driver) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(driver.module) is not None
    except ModuleNotFoundError:  # the parent package (snowflake) is missing
        return False


def install_command(driver: Driver) -> tuple[str, ...]:
    """pip of bootstrap's own environment, installing the driver there."""
    return (sys.executable, "-m", "pip", "install", "--quiet", driver.requirement)


def driver_missing(conn: Connection) -> Optional[str]:
    """What to run (or know) when the type's driver cannot be imported here; None when it can."""
    driver = DRIVERS.get(conn.type)
    if driver is None or installed(driver):
        return None
    if sys.version_info < driver.python:
        need = ".".join(map(str, driver.python))
        return f"the {conn.type} driver needs Python {need} or newer; reinstall bootstrap with a newer Python"
    return " ".join(install_command(driver))


def secrets_of(ctx: Context, conn: Connection) -> tuple[dict[str, str], list[Reached]]:
    """key -> value for each secret the connection names, resolved in memory; problems as results."""
    from bootstrap.components.secrets.backends import parse, resolve_all

    refs = {key: parse(getattr(conn, key)) for key in CONNECTION_SECRETS if getattr(conn, key)}
    resolved = resolve_all(ctx, list(refs.values())) if refs else {}
    values: dict[str, str] = {}
    problems: list[Reached] = []
    for key, ref in refs.items():
        result = resolved[ref]
        if result.ok and result.value is not None:
            values[key] = result.value
        else:
            fix = result.fix or f"bootstrap secrets set {ref}"
            problems.append(Reached("", "secret", f"its {key} ({ref}) could not be read: {result.summary}", fix))
    return values, problems


def check(ctx: Context, name: str, conn: Connection, interactive: bool = False) -> Reached:
    """Connect and run `select 1`; never raises for what the database or network says."""
    if conn.type in ("bigquery", "databricks"):
        return Reached(
            name,
            "not_verified",
            f"{conn.type} connections are written into the tools' files but not queried by bootstrap yet",
            "bq query 'select 1'" if conn.type == "bigquery" else f"databricks auth login --profile {name}",
        )
    if conn.type == "snowflake" and (conn.authenticator or "").lower() == "externalbrowser" and not interactive:
        return Reached(
            name,
            "sign_in",
            "signs in through your browser, which doctor never opens",
            f"bootstrap connections check {name}   (opens the browser to sign in, then runs a query)",
        )
    install = driver_missing(conn)
    if install:
        return Reached(name, "driver", f"the {conn.type} driver is not installed in bootstrap's environment", install)
    values, problems = secrets_of(ctx, conn)
    if problems:
        first = problems[0]
        return Reached(name, first.kind, first.summary, first.fix)
    try:
        if conn.type in ("postgres", "redshift"):
            return _postgres(name, conn, values)
        if conn.type == "duckdb":
            return _duckdb(ctx, name, conn)
        if conn.type == "snowflake":
            return _snowflake(name, conn, values)
        return _athena(name, conn)
    except Exception as exc:  # noqa: BLE001 - a driver's own error the probes below do not know: shown as it is
        text = ctx.tilde(" ".join(str(exc).split()))[:300]
        return Reached(name, "error", f"the query failed: {text}", f"bootstrap connections check {name}")


def _postgres(name: str, conn: Connection, values: dict[str, str]) -> Reached:
    import psycopg

    port = conn.port or (5432 if conn.type == "postgres" else 5439)
    where = f"{conn.host}:{port}"
    try:
        with psycopg.connect(
            host=conn.host,
            port=port,
            dbname=conn.database,
            user=conn.user,
            password=values.get("password"),
            sslmode=conn.sslmode or "prefer",
            connect_timeout=TIMEOUT,
            application_name="bootstrap doctor",
        ) as db:
            row = db.execute("select 1").fetchone()
    except psycopg.Error as exc:
        return explain_postgres(name, conn, where, exc.sqlstate, str(exc))
    if row != (1,):
        return Reached(name, "error", f"select 1 on {where} returned {row!r}", "ask the database's administrator")
    return Reached(name, "ok", f"select 1 ran on {conn.database} at {where} as {conn.user}")


def explain_postgres(name: str, conn: Connection, where: str, sqlstate: Optional[str], text: str) -> Reached:
    """A libpq/server error in words, with the next step (a GRANT ready to paste for an administrator)."""
    text = " ".join(text.split())
    ref = conn.password or ""
    if sqlstate == "28P01" or "password authentication failed" in text:
        fix = f"bootstrap secrets set {ref} --replace   (then: bootstrap connections check {name})"
        return Reached(name, "password", f"{where} refused the password of {conn.user}: wrong or expired", fix)
    if "no password supplied" in text:
        return Reached(name, "password", f"{where} asks for a password and the connection names none",
                       f"add `password: pass://...` to connection {name} in the profile")  # fmt: skip
    if sqlstate == "3D000" or re.search(r'database ".*" does not exist', text):
        return Reached(
            name,
            "missing",
            f'the database "{conn.database}" does not exist on {where}',
            f"ask the database's administrator to create it, or fix `database:` of connection {name}",
        )
    if re.search(r'role ".*" does not exist', text):
        return Reached(
            name,
            "missing",
            f'there is no database user "{conn.user}" on {where}',
            f"ask the database's administrator to run: CREATE ROLE \"{conn.user}\" LOGIN PASSWORD '...';",
        )
    if sqlstate == "42501" or "permission denied" in text:
        grant = f'GRANT CONNECT ON DATABASE "{conn.database}" TO "{conn.user}";'
        return Reached(
            name,
            "permission",
            f'{conn.user} may not connect to the database "{conn.database}" on {where} (permission denied)',
            f"ask the database's administrator to run: {grant}",
        )
    if any(s in text for s in ("Connection refused", "could not translate host name", "timeout expired",
                               "No route to host", "Network is unreachable", "could not connect", "Name or service")):  # fmt: skip
        return Reached(
            name,
            "unreachable",
            f"cannot reach {where}: {text[:160]}",
            "check your network or VPN (is the company VPN on?), then run `bootstrap connections check` again",
        )
    return Reached(name, "error", f"{where}: {text[:300]}", f"bootstrap connections check {name}")


def _duckdb(ctx: Context, name: str, conn: Connection) -> Reached:
    import duckdb

    path = ctx.expand(conn.path or "")
    if not path.exists():
        return Reached(
            name, "missing", f"the DuckDB file {ctx.tilde(path)} does not exist yet", f"duckdb {ctx.tilde(path)}"
        )
    # read-only, and no extension fetched or loaded: a check never changes the file or runs code
    config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    with duckdb.connect(str(path), read_only=True, config=config) as db:
        row = db.execute("select 1").fetchone()
    if row != (1,):
        return Reached(name, "error", f"select 1 returned {row!r}", f"duckdb {ctx.tilde(path)}")
    return Reached(name, "ok", f"select 1 ran on {ctx.tilde(path)}")


def _snowflake(name: str, conn: Connection, values: dict[str, str]) -> Reached:
    import snowflake.connector

    args: dict[str, object] = {"account": conn.account, "user": conn.user, "login_timeout": TIMEOUT}
    for key in ("authenticator", "warehouse", "role", "database"):
        if getattr(conn, key):
            args[key] = getattr(conn, key)
    if conn.schema_:
        args["schema"] = conn.schema_
    if "password" in values:
        args["password"] = values["password"]
    if "private_key" in values:
        args["private_key"] = _der_key(values["private_key"])
    try:
        with snowflake.connector.connect(**args) as db:
            row = db.cursor().execute("select 1").fetchone()
    except snowflake.connector.errors.DatabaseError as exc:
        text = " ".join(str(exc).split())
        if "Incorrect username or password" in text or getattr(exc, "errno", None) == 390100:
            return Reached(name, "password", f"Snowflake refused the password of {conn.user}",
                           f"bootstrap secrets set {conn.password} --replace")  # fmt: skip
        if "does not exist or not authorized" in text:
            return Reached(
                name,
                "permission",
                f"{text[:200]}",
                f'ask the Snowflake administrator to run: GRANT ROLE {conn.role or "PUBLIC"} TO USER "{conn.user}";',
            )
        return Reached(name, "unreachable", f"Snowflake {conn.account}: {text[:200]}",
                       "check your network or VPN, then run `bootstrap connections check` again")  # fmt: skip
    return Reached(name, "ok" if row and row[0] == 1 else "error", f"select 1 ran on Snowflake account {conn.account}")


def _der_key(text: str) -> bytes:
    """The connector takes a key pair's private key as DER bytes; teams keep it as PEM text."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(text.encode(), password=None)
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _athena(name: str, conn: Connection) -> Reached:
    import pyathena

    args: dict[str, object] = {"profile_name": conn.aws_profile, "region_name": conn.region}
    if conn.workgroup:
        args["work_group"] = conn.workgroup
    if conn.s3_staging_dir:
        args["s3_staging_dir"] = conn.s3_staging_dir
    with pyathena.connect(**args) as db:
        cursor = db.cursor()
        cursor.execute("select 1")
        row = cursor.fetchone()
    return Reached(name, "ok" if row and row[0] == 1 else "error", f"select 1 ran in Athena ({conn.region})")


def check_all(ctx: Context, connections: dict[str, Connection], interactive: bool = False) -> list[Reached]:
    """Every connection at once, in the order given."""
    from bootstrap.system import parallel

    items = list(connections.items())
    if not items:
        return []
    return parallel.each(lambda item: check(ctx, item[0], item[1], interactive), items, workers=min(8, len(items)))
