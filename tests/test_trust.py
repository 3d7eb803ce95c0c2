"""Trust by content: what changes the recorded hash, and what the gate lets run."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bootstrap.profiles import trust
from bootstrap.profiles.schema import Command
from bootstrap.system.paths import Paths, user_paths

BASE = {"schema": 1, "extends": ["base"], "components": {"git": {"config": {"pull.rebase": "true"}}}}
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)


def profile(commands: list[dict[str, str]], **extra: object) -> bytes:
    return yaml.safe_dump({**BASE, **extra, "commands": commands}, sort_keys=False).encode()


def digest(files: dict[str, bytes]) -> str:
    return trust.source_of("acme", "team", files).digest


@settings(max_examples=60, deadline=None)
@given(run=TEXT, other=TEXT, description=TEXT)
def test_only_a_change_to_commands_changes_the_hash(run: str, other: str, description: str) -> None:
    before = digest({"eng.yaml": profile([{"name": "x", "run": run}])})
    # declarative parts and comments do not matter
    assert digest({"eng.yaml": profile([{"name": "x", "run": run}], description=description)}) == before
    assert digest({"eng.yaml": b"# reviewed\n" + profile([{"name": "x", "run": run}])}) == before
    # any change to a command's text does
    if other != run:
        assert digest({"eng.yaml": profile([{"name": "x", "run": other}])}) != before
    assert digest({"eng.yaml": profile([{"name": "x", "run": run, "unless": "true"}])}) != before
    # so does moving it to another file, or adding a file with commands
    assert digest({"other.yaml": profile([{"name": "x", "run": run}])}) != before
    assert (
        digest({"eng.yaml": profile([{"name": "x", "run": run}]), "b.yaml": profile([{"name": "y", "run": "z"}])})
        != before
    )


def test_a_file_that_does_not_parse_is_hashed_as_bytes() -> None:
    broken = b"commands: [unclosed\n"
    assert digest({"eng.yaml": broken}) != digest({"eng.yaml": broken + b" "})
    assert trust.source_of("acme", "team", {"eng.yaml": broken}).commands == ()


def team(paths: Paths, text: bytes) -> None:
    folder = paths.teams / "acme"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eng.yaml").write_bytes(text)


def test_gate(home: Path) -> None:
    paths = user_paths(home)
    mine = Command(name="mine", run="echo mine")
    theirs = Command(name="theirs", run="echo theirs")
    stranger = Command(name="stranger", run="echo ?")
    paths.user_profiles.mkdir(parents=True)
    (paths.user_profiles / "me.yaml").write_bytes(profile([{"name": "mine", "run": "echo mine"}]))
    team(paths, profile([{"name": "theirs", "run": "echo theirs"}]))

    verdicts = trust.judge(paths, [mine, theirs, stranger])
    assert [v.trusted for v in verdicts] == [True, False, False]
    assert [v.fix for v in verdicts] == [None, "bootstrap profile trust acme", None]

    trust.record(paths, trust.team_source(paths, "acme"))
    assert [v.trusted for v in trust.judge(paths, [mine, theirs, stranger])] == [True, True, False]

    # another command of the same team changes: the whole team needs trusting again
    team(paths, profile([{"name": "theirs", "run": "echo theirs"}, {"name": "new", "run": "rm -rf ~"}]))
    assert [v.trusted for v in trust.judge(paths, [theirs])] == [False]
    trust.record(paths, trust.team_source(paths, "acme"))
    assert [v.trusted for v in trust.judge(paths, [theirs])] == [True]

    # a damaged store trusts nothing
    paths.trust.write_text("{not json")
    assert [v.trusted for v in trust.judge(paths, [mine, theirs])] == [True, False]
    trust.record(paths, trust.team_source(paths, "acme"))
    assert json.loads(paths.trust.read_text())["sources"]["acme"]["kind"] == "team"
    trust.forget(paths, "acme")
    assert [v.trusted for v in trust.judge(paths, [theirs])] == [False]


def test_trusting_a_file_covers_that_file_only(home: Path, tmp_path: Path) -> None:
    paths = user_paths(home)
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_bytes(profile([{"name": "a", "run": "echo a"}]))
    two.write_bytes(profile([{"name": "b", "run": "echo b"}]))
    trust.record(paths, trust.find(paths, str(one)))
    a, b = Command(name="a", run="echo a"), Command(name="b", run="echo b")
    assert [v.trusted for v in trust.judge(paths, [a, b])] == [True, False]
    one.write_bytes(profile([{"name": "a", "run": "echo a"}, {"name": "c", "run": "echo c"}]))
    assert [v.trusted for v in trust.judge(paths, [a])] == [False]
