"""dbt's profiles.yml: one output per connection with `dbt:`, the person's own profiles kept.

A dbt profile the file does not have yet is appended as text, so every byte before it stays as
it was. A profile the person already has (another target of the team's profile, say) is edited
with a round-trip YAML library that keeps their comments, anchors and order. A file already as
wanted is never rewritten: a second run changes nothing.
"""

from __future__ import annotations

import io
from typing import Any, Optional

from bootstrap.profiles.schema import Connection, connection_variable
from bootstrap.system.errors import UserError

Output = dict[str, Any]


def _secret(name: str, key: str) -> str:
    # dbt renders profiles.yml as Jinja: the value is read from the environment at run time
    return "{{ env_var('" + connection_variable(name, key) + "') }}"


def _default_schema(conn: Connection) -> str:
    user = conn.user or "dev"
    return "dbt_" + "".join(c if c.isalnum() else "_" for c in user.split("@")[0]).lower()


def output(name: str, conn: Connection) -> Output:
    """The dbt target for one connection, as dbt's adapter for its type expects it."""
    schema = conn.dbt.schema_ if conn.dbt and conn.dbt.schema_ else None
    out: Output = {"type": conn.type}
    if conn.type in ("postgres", "redshift"):
        out.update(host=conn.host, port=conn.port or (5432 if conn.type == "postgres" else 5439), user=conn.user)
        if conn.password:
            out["password"] = _secret(name, "password")
        out.update(dbname=conn.database, schema=schema or _default_schema(conn))
        if conn.sslmode:
            out["sslmode"] = conn.sslmode
    elif conn.type == "snowflake":
        out.update(account=conn.account, user=conn.user)
        if conn.authenticator:
            out["authenticator"] = conn.authenticator
        if conn.password:
            out["password"] = _secret(name, "password")
        if conn.private_key:
            out["private_key"] = _secret(name, "private_key")
        for key in ("role", "warehouse", "database"):
            if getattr(conn, key):
                out[key] = getattr(conn, key)
        out["schema"] = schema or conn.schema_ or _default_schema(conn)
    elif conn.type == "athena":
        out.update(region_name=conn.region, aws_profile_name=conn.aws_profile)
        if conn.s3_staging_dir:
            out["s3_staging_dir"] = conn.s3_staging_dir
        if conn.workgroup:
            out["work_group"] = conn.workgroup
        out.update(database=conn.database or "awsdatacatalog", schema=schema or conn.schema_ or "default")
    elif conn.type == "duckdb":
        out["path"] = conn.path
        if schema:
            out["schema"] = schema
    elif conn.type == "bigquery":
        out.update(method=conn.method or "oauth", project=conn.project, dataset=schema or conn.dataset or "dbt")
    elif conn.type == "databricks":
        out.update(host=conn.host, http_path=conn.http_path, auth_type="oauth")
        if conn.catalog:
            out["catalog"] = conn.catalog
        out["schema"] = schema or conn.schema_ or "default"
    out["threads"] = 4
    return out


def wanted(connections: dict[str, Connection]) -> dict[str, dict[str, Output]]:
    """dbt profile -> target -> output, for every connection with `dbt:`."""
    found: dict[str, dict[str, Output]] = {}
    for name, conn in connections.items():
        if conn.dbt is not None:
            found.setdefault(conn.dbt.profile, {})[conn.dbt.target] = output(name, conn)
    return found


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the person wrote on one
    return yaml


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _keep_anchors(node: Any, seen: Optional[set[int]] = None) -> None:
    """An anchor no alias uses yet is still the person's: ruamel drops those unless told."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    anchor = getattr(node, "anchor", None)
    if anchor is not None and getattr(anchor, "value", None) and hasattr(node, "yaml_set_anchor"):
        node.yaml_set_anchor(anchor.value, always_dump=True)
    if isinstance(node, dict):
        for value in node.values():
            _keep_anchors(value, seen)
    elif isinstance(node, list):
        for value in node:
            _keep_anchors(value, seen)


def _block(profile: str, targets: dict[str, Output]) -> str:
    yaml = _yaml()
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    first = next(iter(targets))
    yaml.dump({profile: {"target": first, "outputs": targets}}, out)
    return out.getvalue()


def edited(text: str, shown: str, connections: dict[str, Connection]) -> str:
    """The file's text with every connection's output in it (the same text when it has them)."""
    want = wanted(connections)
    if not want:
        return text
    yaml = _yaml()
    try:
        data = yaml.load(text) if text.strip() else None
    except Exception as exc:  # noqa: BLE001 - ruamel raises many kinds; each means the same to the person
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise UserError(
            f"{shown}{line}: is not valid YAML ({getattr(exc, 'problem', None) or exc}); "
            "fix it (dbt cannot read it either), then run again; it was left as it is"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{shown}: holds no dbt profiles (not a map of names); fix it, then run again")
    appended = [p for p in want if p not in data]
    changed = False
    for profile, targets in want.items():
        if profile in appended:
            continue
        entry = data[profile]
        if not isinstance(entry, dict):
            raise UserError(f"{shown}: the dbt profile {profile} is not a map; fix it, then run again")
        outputs = entry.get("outputs")
        if outputs is None:
            entry["outputs"] = outputs = {}
            changed = True
        if not isinstance(outputs, dict):
            raise UserError(f"{shown}: outputs of the dbt profile {profile} is not a map; fix it, then run again")
        for target, out in targets.items():
            if _plain(outputs.get(target)) != out:
                outputs[target] = out
                changed = True
        if "target" not in entry:
            entry["target"] = next(iter(targets))
            changed = True
    if changed:
        _keep_anchors(data)
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        text = buffer.getvalue()
    for profile in appended:
        if text and not text.endswith("\n"):
            text += "\n"
        text += _block(profile, want[profile])
    return text
