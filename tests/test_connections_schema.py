"""`components.connections`: what a team may declare, and the one-line file:line refusals for
what it may not (the refusal names the line and never echoes a password)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap.profiles import covered, schema
from tests.conftest import bootstrap

GOOD = """\
schema: 1
prompts:
  - {id: db_user, message: "Your database user"}
components:
  secrets: {env: {OTHER: "pass://data/other"}}
  connections:
    warehouse:
      type: postgres
      host: db.internal.acme.com
      port: 5432
      database: analytics
      user: "{{ answers.db_user }}"
      password: pass://data/warehouse
      dbt: {profile: acme, target: dev, schema: "dbt_{{ answers.db_user }}"}
    red: {type: redshift, host: r.acme.com, database: dev, user: etl, password: "op://Data/red/password"}
    snow:
      type: snowflake
      account: acme-xy12345
      user: dana@acme.com
      authenticator: externalbrowser
      warehouse: ANALYST_WH
      role: ANALYST
      database: ANALYTICS
    keys: {type: snowflake, account: acme-xy12345, user: etl, authenticator: snowflake_jwt, private_key: "pass://data/key"}
    lake: {type: athena, aws_profile: company-readonly, workgroup: analysts, region: eu-west-1}
    local: {type: duckdb, path: ~/data/local.duckdb}
    bq: {type: bigquery, project: acme-analytics, dataset: marts, method: oauth}
    bricks: {type: databricks, host: adb-1.azuredatabricks.net, http_path: /sql/1.0/warehouses/abc, auth: databricks-cli}
"""


def test_a_profile_with_every_kind_of_connection_validates(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(GOOD)
    result = bootstrap("profile", "validate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{path}: ok"


CANARY = "Hunter2-Canary-Pw"
BAD = [
    ("unknown type", "    w: {type: oracle, host: h, database: d, user: u}\n", "should be one of"),
    ("plaintext password", f"    w: {{type: postgres, host: h, database: d, user: u, password: {CANARY}}}\n",
     "must be a secret reference"),
    ("password as a number", "    w: {type: postgres, host: h, database: d, user: u, password: 31337}\n",
     "should be a reference"),
    ("missing field", "    w: {type: postgres, host: h, user: u}\n", "type postgres needs `database`"),
    ("field of another type", "    w: {type: duckdb, path: x.duckdb, account: a}\n", "account does not go with type duckdb"),
    ("name not an identifier", "    my-db: {type: duckdb, path: x.duckdb}\n", "is not a usable connection name"),
    ("control character", '    w: {type: postgres, host: "h\\nx", database: d, user: u}\n', "control character"),
    ("jinja in a dbt value", "    w: {type: duckdb, path: x.duckdb, dbt: {profile: p, schema: \"s{%raw%}\"}}\n",
     "remove"),
    ("jinja in a value", "    w: {type: postgres, host: h, database: \"d{#x#}\", user: u}\n", "dbt would run"),
    ("snowflake password sign-in without password", "    w: {type: snowflake, account: a, user: u}\n",
     "signs in with a password"),
    ("duckdb address", "    w: {type: duckdb, path: \"md:my_db\"}\n", "local file"),
    ("secret collision",
     "    w: {type: postgres, host: h, database: d, user: u, password: pass://a/b}\n"
     "  secrets: {env: {DBT_ENV_SECRET_W_PASSWORD: pass://x/y}}\n", "rename that variable"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expect"), [(t, e) for _, t, e in BAD], ids=[n for n, _, _ in BAD])
def test_a_bad_connection_is_refused_with_file_and_line(tmp_path: Path, text: str, expect: str) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("schema: 1\ncomponents:\n  connections:\n" + text)
    for command in (("profile", "validate", str(path)), ("run", "--yes", "--profile", str(path))):
        result = bootstrap(*command)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        line = result.stderr.strip().splitlines()[0]
        number = 5 if "secrets" in text else 4  # a collision is reported at the secrets line
        assert f"{path.name}:{number}: " in line, line
        assert expect in line, line
        assert CANARY not in result.stdout + result.stderr
        assert "31337" not in result.stdout + result.stderr
    assert not (Path.home() / ".dbt").exists()


def test_every_connection_key_is_classified_and_none_runs_code() -> None:
    keys = [k for k in covered.KEYS if k.startswith("components.connections.")]
    assert {
        "components.connections.password",
        "components.connections.path",
        "components.connections.dbt.schema",
    } <= set(keys)
    # no key of the schema loads driver extensions or runs SQL on connecting: all are inert
    assert all(covered.KEYS[k][0] == covered.INERT for k in keys)


def test_secret_variables_are_named_for_dbt() -> None:
    assert schema.connection_variable("warehouse") == "DBT_ENV_SECRET_WAREHOUSE_PASSWORD"
    assert schema.connection_variable("snow", "private_key") == "DBT_ENV_SECRET_SNOW_PRIVATE_KEY"
    assert "connections" in schema.SELECTABLE


def test_an_answer_holding_template_text_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(GOOD)
    answers = tmp_path / "answers.yaml"
    answers.write_text('db_user: "x{{ 7*7 }}"\n')
    result = bootstrap("run", "--yes", "--only", "connections", "--answers", str(answers), "--profile", str(path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the answer to 'db_user' does not fit" in result.stderr
    assert "dbt would run as a template" in result.stderr
    assert not (Path.home() / ".dbt").exists()


def test_connections_is_a_component_for_only_skip_and_bootstrap_skip(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(
        "schema: 1\ncomponents:\n  connections:\n    local: {type: duckdb, path: x.duckdb, dbt: {profile: p}}\n"
    )
    skipped = bootstrap("run", "--yes", "--profile", str(path), env={"BOOTSTRAP_SKIP": "packages,connections"})
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert not (Path.home() / ".dbt").exists()
    only = bootstrap("run", "--yes", "--only", "connections", "--profile", str(path))
    assert only.returncode == 0, only.stdout + only.stderr
    assert (Path.home() / ".dbt" / "profiles.yml").is_file()
    typo = bootstrap("plan", "--only", "conections", "--profile", str(path))
    assert typo.returncode == 2 and "did you mean" in typo.stderr.lower() and "connections" in typo.stderr
