"""The variables a program gets from `bootstrap connections exec NAME`: the connection's
settings under the names its tools read, and its secrets (in memory, for that program only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bootstrap.profiles.schema import Connection, connection_variable
from bootstrap.system import paths

if TYPE_CHECKING:
    from bootstrap.system.context import Context


def variables(ctx: Context, name: str, conn: Connection, secrets: dict[str, str]) -> dict[str, str]:
    env = {connection_variable(name, key): value for key, value in secrets.items()}
    if conn.type in ("postgres", "redshift"):
        port = conn.port or (5432 if conn.type == "postgres" else 5439)
        # the service names the connection (psql, pg_dump); the PG* settings work without the file too
        env.update(PGSERVICE=name, PGSERVICEFILE=str(paths.pg_service_file(ctx.home, ctx.env)))
        env.update(PGHOST=conn.host or "", PGPORT=str(port), PGDATABASE=conn.database or "", PGUSER=conn.user or "")
        if conn.sslmode:
            env["PGSSLMODE"] = conn.sslmode
        if "password" in secrets:
            env["PGPASSWORD"] = secrets["password"]
    elif conn.type == "snowflake":
        env["SNOWFLAKE_DEFAULT_CONNECTION_NAME"] = name
        prefix = f"SNOWFLAKE_CONNECTIONS_{name.upper()}_"
        for key, value in secrets.items():
            env[prefix + key.upper()] = value
        if "password" in secrets:
            env["SNOWFLAKE_PASSWORD"] = secrets["password"]
    elif conn.type == "athena":
        env.update(
            AWS_PROFILE=conn.aws_profile or "", AWS_REGION=conn.region or "", AWS_DEFAULT_REGION=conn.region or ""
        )
        if conn.workgroup:
            env["AWS_ATHENA_WORK_GROUP"] = conn.workgroup
    elif conn.type == "duckdb":
        env["DUCKDB_DATABASE"] = str(ctx.expand(conn.path or ""))
    elif conn.type == "databricks":
        env["DATABRICKS_CONFIG_PROFILE"] = name
    elif conn.type == "bigquery":
        env["GOOGLE_CLOUD_PROJECT"] = conn.project or ""
    return env
