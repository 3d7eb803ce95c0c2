"""The database tools' own settings files, each holding one managed block of the team's
connections: libpq's ~/.pg_service.conf, Snowflake's connections.toml, ~/.databrickscfg.

None of them ever holds a password: `connections exec` and `secrets exec` hand it over in the
environment of the one program that needs it.
"""

from __future__ import annotations

import json
import re

from bootstrap.profiles.schema import Connection
from bootstrap.system import files

BLOCK = "connections"

# what each file does with a second section of the same name: libpq reads the first one only,
# and a TOML file or the Databricks SDK's INI reader refuse the whole file
CLASH = {
    "pg_service": "psql would use yours, not the team's",
    "snowflake": "a second [{name}] would make the whole file unreadable to Snowflake's tools",
    "databricks": "a second [{name}] would make the whole file unreadable to Databricks' tools",
}

_SECTION = re.compile(r"""^\s*\[\s*["']?([^\]"']+?)["']?\s*\]\s*(?:#.*)?$""")


def sections_of_yours(text: str) -> set[str]:
    """The section names written outside our block: the person's own, never to be doubled."""
    span = files.find_block(text, BLOCK)
    outside = text if span is None else text[: span[0]] + text[span[1] :]
    return {m.group(1).strip() for m in map(_SECTION.match, outside.splitlines()) if m}


def pg_service(connections: dict[str, Connection]) -> list[str]:
    """One service per Postgres/Redshift connection: `psql service=NAME`, PGSERVICE=NAME."""
    lines: list[str] = []
    for name, conn in connections.items():
        if conn.type not in ("postgres", "redshift"):
            continue
        port = conn.port or (5432 if conn.type == "postgres" else 5439)
        lines += [f"[{name}]", f"host={conn.host}", f"port={port}", f"dbname={conn.database}", f"user={conn.user}"]
        if conn.sslmode:
            lines.append(f"sslmode={conn.sslmode}")
    return lines


def _toml(value: object) -> str:
    # a JSON string is a TOML basic string: the values are one line, checked by the schema
    return json.dumps(value)


def snowflake(connections: dict[str, Connection]) -> list[str]:
    """[NAME] tables of connections.toml; the password or key never (they come from the environment)."""
    lines: list[str] = []
    for name, conn in connections.items():
        if conn.type != "snowflake":
            continue
        lines += [f"[{name}]", f"account = {_toml(conn.account)}", f"user = {_toml(conn.user)}"]
        if conn.authenticator:
            lines.append(f"authenticator = {_toml(conn.authenticator)}")
        for key, value in (("warehouse", conn.warehouse), ("role", conn.role), ("database", conn.database)):
            if value:
                lines.append(f"{key} = {_toml(value)}")
        if conn.schema_:
            lines.append(f"schema = {_toml(conn.schema_)}")
    return lines


def databricks(connections: dict[str, Connection]) -> list[str]:
    """A profile per Databricks connection, signing in with OAuth (no token on disk)."""
    lines: list[str] = []
    for name, conn in connections.items():
        if conn.type != "databricks":
            continue
        host = conn.host or ""
        host = host if host.startswith("https://") else f"https://{host}"
        lines += [f"[{name}]", f"host = {host}", f"auth_type = {conn.auth or 'databricks-cli'}"]
    return lines
