"""What a run writes for `components.connections`: dbt's profiles.yml (the person's own
profiles kept), the service file, Snowflake's connections.toml, ~/.databrickscfg; never a
password; a second run changes nothing and undo puts back every byte."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.inprocess import converge, undo_last, user_files

TEAM = """\
schema: 1
name: team
components:
  connections:
    warehouse:
      type: postgres
      host: db.internal.acme.com
      port: 5433
      database: analytics
      user: dana
      password: pass://data/warehouse
      dbt: {profile: acme, target: dev, schema: dbt_dana}
    snow:
      type: snowflake
      account: acme-xy12345
      user: dana@acme.com
      authenticator: externalbrowser
      warehouse: ANALYST_WH
      role: ANALYST
      database: ANALYTICS
      dbt: {profile: snow, target: dev}
    lake: {type: athena, aws_profile: company-readonly, workgroup: analysts, region: eu-west-1,
           s3_staging_dir: "s3://acme-athena/results/", dbt: {profile: lake}}
    local: {type: duckdb, path: ~/data/local.duckdb, dbt: {profile: local}}
    bq: {type: bigquery, project: acme-analytics, dataset: marts}
    bricks: {type: databricks, host: adb-1.azuredatabricks.net, http_path: /sql/1.0/warehouses/abc}
"""


def _profile(tmp_path: Path) -> str:
    path = tmp_path / "team.yaml"
    if not path.exists():
        path.write_text(TEAM)
    return str(path)


@pytest.fixture
def only_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOTSTRAP_SKIP", "packages,shell,secrets,aws,terraform,git,dotfiles")


def test_run_writes_the_tools_files_without_a_password(tmp_path: Path, home: Path, only_connections: None) -> None:
    result = converge(_profile(tmp_path))
    assert result.outcome is not None and result.outcome.ok, result.outcome

    dbt = yaml.safe_load((home / ".dbt" / "profiles.yml").read_text())
    dev = dbt["acme"]["outputs"]["dev"]
    assert dbt["acme"]["target"] == "dev"
    assert dev == {
        "type": "postgres",
        "host": "db.internal.acme.com",
        "port": 5433,
        "user": "dana",
        "password": "{{ env_var('DBT_ENV_SECRET_WAREHOUSE_PASSWORD') }}",
        "dbname": "analytics",
        "schema": "dbt_dana",
        "threads": 4,
    }
    assert "password" not in dbt["snow"]["outputs"]["dev"]
    assert dbt["snow"]["outputs"]["dev"]["authenticator"] == "externalbrowser"
    assert dbt["lake"]["outputs"]["dev"]["aws_profile_name"] == "company-readonly"
    assert dbt["local"]["outputs"]["dev"] == {"type": "duckdb", "path": "~/data/local.duckdb", "threads": 4}

    service = (home / ".pg_service.conf").read_text()
    assert "[warehouse]\nhost=db.internal.acme.com\nport=5433\ndbname=analytics\nuser=dana\n" in service
    assert "password" not in service.lower()

    toml = home / ".snowflake" / "connections.toml"
    assert stat.S_IMODE(toml.stat().st_mode) == 0o600
    assert '[snow]\naccount = "acme-xy12345"\nuser = "dana@acme.com"\nauthenticator = "externalbrowser"\n' in (
        toml.read_text()
    )
    assert "password" not in toml.read_text()
    cfg = (home / ".databrickscfg").read_text()
    assert "[bricks]\nhost = https://adb-1.azuredatabricks.net\nauth_type = databricks-cli\n" in cfg
    assert "token" not in cfg

    again = converge(_profile(tmp_path))
    assert again.outcome is None and again.writes == 0, "a second run found something to change"


PERSON_HEADER = ["# my dbt profiles", "", "# keep this comment"]
ANCHORED = """\
defaults: &defaults
  type: postgres
  threads: 2   # two is enough
  port: 5432
"""


@st.composite
def messy_profiles(draw: st.DrawFn) -> Optional[bytes]:
    """A person's profiles.yml: comments, anchors and aliases, several profiles, sometimes the
    team's own dbt profile with another target of theirs."""
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    parts = list(draw(st.sampled_from([PERSON_HEADER, [], ["---"]])))
    if draw(st.booleans()):
        parts.append(ANCHORED.rstrip("\n"))
    names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), max_size=3, unique=True))
    for name in names:
        if name in ("acme", "snow", "lake", "local", "defaults"):
            continue
        comment = draw(st.sampled_from(["", "  # mine", "   #  spaced"]))
        parts += [f"{name}:{comment}", "  target: dev", "  outputs:", "    dev:"]
        if ANCHORED.rstrip("\n") in parts:
            parts.append("      <<: *defaults")
        else:
            parts.append("      type: duckdb")
        parts.append(f"      path: '/data/{name}.duckdb'  # quoted on purpose")
    if draw(st.booleans()):  # the team's profile, with a target of the person's own
        parts += ["acme:", "  target: prod  # I work on prod", "  outputs:", "    prod:", "      type: postgres",
                  "      host: prod.acme.com", '      dbname: "analytics"', "      threads: 8"]  # fmt: skip
    text = "\n".join(parts)
    if parts and draw(st.booleans()):
        text += "\n"
    return text.encode()


@given(before=messy_profiles())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_messy_profiles_yml_run_rerun_undo(tmp_path: Path, before: Optional[bytes]) -> None:
    case = tmp_path / os.urandom(6).hex()
    home = case / "home"
    (home / ".dbt").mkdir(parents=True)
    target = home / ".dbt" / "profiles.yml"
    if before is not None:
        target.write_bytes(before)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(home))
        env.setenv("BOOTSTRAP_SKIP", "packages,shell,secrets,aws,terraform,git,dotfiles")
        start = user_files(home)
        old = yaml.safe_load(before or b"") or {}

        first = converge(_profile(case))
        assert first.outcome is not None and first.outcome.ok, first.outcome
        after = target.read_bytes()
        new = yaml.safe_load(after)
        for name, profile in old.items():  # every profile of the person's, as it was
            if name == "acme":
                assert new["acme"]["outputs"]["prod"] == profile["outputs"]["prod"]
                assert new["acme"]["target"] == "prod"  # their default target stays theirs
            else:
                assert new[name] == profile
        assert new["acme"]["outputs"]["dev"]["host"] == "db.internal.acme.com"
        if before is not None and "acme" not in old:
            assert after.startswith(before), "bytes of the person's file changed"
        if before is not None and b"# keep this comment" in before:
            assert b"# keep this comment" in after
        if before is not None and b"&defaults" in before:
            assert b"&defaults" in after and (b"*defaults" in after) == (b"*defaults" in before)

        second = converge(_profile(case))
        assert second.outcome is None and second.writes == 0, "a second run found something to change"
        assert target.read_bytes() == after

        undo_last()
        assert user_files(home) == start


def test_a_broken_profiles_yml_is_left_alone_with_its_line(tmp_path: Path, home: Path) -> None:
    from tests.conftest import bootstrap

    (home / ".dbt").mkdir()
    broken = b"mine:\n  target: dev\n  outputs: [unclosed\n"
    (home / ".dbt" / "profiles.yml").write_bytes(broken)
    result = bootstrap("run", "--yes", "--only", "connections", "--profile", _profile(tmp_path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "~/.dbt/profiles.yml:" in result.stdout + result.stderr
    assert (home / ".dbt" / "profiles.yml").read_bytes() == broken


def test_plan_shows_the_drivers_it_installs_and_they_match_the_extras(tmp_path: Path, only_connections: None) -> None:
    import tomllib

    from bootstrap.components.connections import probe
    from tests.conftest import REPO, bootstrap

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for driver in probe.DRIVERS.values():
        assert extras[driver.extra] == [driver.requirement]
        assert driver.requirement in extras["test"] or driver.extra in ("snowflake", "athena")

    team = tmp_path / "team.yaml"
    team.write_text(
        "schema: 1\ncomponents:\n  connections:\n"
        "    snow: {type: snowflake, account: a, user: u, authenticator: externalbrowser}\n"
        "    lake: {type: athena, aws_profile: p, region: eu-west-1}\n"
        "    local: {type: duckdb, path: ~/x.duckdb}\n"
    )
    plan = bootstrap("plan", "--profile", str(team))
    assert plan.returncode == 0, plan.stdout + plan.stderr
    text = " ".join(plan.stdout.split())
    installed = {d.extra for d in probe.DRIVERS.values() if probe.installed(d)}
    for extra, requirement in (("snowflake", "snowflake-connector-python>=3.6,<5"), ("athena", "pyathena>=3,<4")):
        shown = f"({requirement}) into bootstrap's environment" in text
        assert shown == (extra not in installed), text
    assert "(duckdb>=0.10,<2)" not in text  # installed here (a test extra): nothing to do


def test_a_profile_that_drops_its_connections_lets_go_of_their_blocks(
    tmp_path: Path, home: Path, only_connections: None
) -> None:
    (home / ".pg_service.conf").write_text("[mine]\nhost=localhost\n")
    team = _profile(tmp_path)
    assert converge(team).outcome.ok  # type: ignore[union-attr]
    assert "[warehouse]" in (home / ".pg_service.conf").read_text()
    Path(team).write_text(
        "schema: 1\nname: team\ncomponents:\n  connections:\n    local: {type: duckdb, path: ~/data/local.duckdb}\n"
    )
    assert converge(team).outcome.ok  # type: ignore[union-attr]
    assert (home / ".pg_service.conf").read_text() == "[mine]\nhost=localhost\n"
    assert not (home / ".snowflake" / "connections.toml").exists()  # it held only our block
    assert not (home / ".databrickscfg").exists()


def test_profile_show_lists_the_connections(tmp_path: Path) -> None:
    from tests.conftest import bootstrap

    shown = bootstrap("profile", "show", _profile(tmp_path))
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "warehouse: postgres db.internal.acme.com, in dbt profile acme (target dev); doctor runs a query" in text
    assert "snow: snowflake acme-xy12345" in text and "lake: athena company-readonly" in text


CLASHING = """\
schema: 1
name: team
components:
  connections:
    warehouse: {type: postgres, host: db.internal.acme.com, database: analytics, user: dana}
    other: {type: postgres, host: db2.internal.acme.com, database: sales, user: dana}
    snow: {type: snowflake, account: acme-xy12345, user: dana@acme.com, authenticator: externalbrowser}
"""


def test_a_section_of_the_persons_own_with_a_connections_name_is_kept_and_ours_waits(
    tmp_path: Path, home: Path, only_connections: None
) -> None:
    """libpq reads the first [warehouse] only, and a second [snow] breaks a TOML file: never double them."""
    from tests.conftest import bootstrap

    service = home / ".pg_service.conf"
    service.write_text("# my own\n[ warehouse ]\nhost=localhost\n")
    toml = home / ".snowflake" / "connections.toml"
    toml.parent.mkdir()
    toml.write_text('[snow]\naccount = "mine"\n')
    toml.chmod(0o600)
    team = tmp_path / "team.yaml"
    team.write_text(CLASHING)

    plan = bootstrap("plan", "--profile", str(team), "--only", "connections")
    assert plan.returncode == 0, plan.stderr
    text = " ".join(plan.stdout.split())
    assert "~/.pg_service.conf: it already has a [warehouse] of your own, left as it is" in text
    assert "psql would use yours, not the team's" in text
    assert "a second [snow] would make the whole file unreadable to Snowflake's tools" in text

    ran = bootstrap("run", "--profile", str(team), "--only", "connections", "--yes")
    assert ran.returncode == 3, ran.stdout + ran.stderr  # done, but two connections wait on the person
    said = " ".join((ran.stdout + ran.stderr).split())
    assert "rename or remove your [warehouse] in ~/.pg_service.conf, then run `bootstrap run` again" in said
    written = service.read_text()
    assert written.startswith("# my own\n[ warehouse ]\nhost=localhost\n")
    assert "[warehouse]" not in written and "[other]\nhost=db2.internal.acme.com" in written
    assert toml.read_text() == '[snow]\naccount = "mine"\n'  # nothing else to write there: untouched

    service.write_text("[mine]\nhost=localhost\n")  # the person renamed theirs
    again = bootstrap("run", "--profile", str(team), "--only", "connections", "--yes")
    assert again.returncode == 3  # the Snowflake one still waits
    assert "[warehouse]\nhost=db.internal.acme.com" in service.read_text()
