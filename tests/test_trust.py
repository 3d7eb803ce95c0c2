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

    # the team adds a command: the one trusted stays trusted, the new one waits
    new = Command(name="new", run="rm -rf ~")
    team(paths, profile([{"name": "theirs", "run": "echo theirs"}, {"name": "new", "run": "rm -rf ~"}]))
    assert [v.trusted for v in trust.judge(paths, [theirs, new])] == [True, False]
    assert not trust.is_trusted(paths, trust.team_source(paths, "acme"))
    trust.record(paths, trust.team_source(paths, "acme"))
    assert [v.trusted for v in trust.judge(paths, [theirs, new])] == [True, True]

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
    c = Command(name="c", run="echo c")
    assert [v.trusted for v in trust.judge(paths, [a, b, c])] == [True, False, False]


SETTINGS = {
    "schema": 1,
    "prompts": [{"id": "editor", "message": "Editor?", "default": "vim"}],
    "components": {
        "git": {"config": {"core.pager": "less -R", "core.editor": "{{ answers.editor }}", "pull.rebase": "true"}},
        "shell": {"aliases": {"ll": "ls -l"}, "path": ["~/bin"]},
        "aws": {"profiles": {"dev": {"region": "eu-west-1"}}},
        "dotfiles": [{"template": "~/tmpl/gitconfig.j2", "target": "~/.gitconfig-team"}],
    },
}


def states(paths: Paths) -> dict[str, str]:
    found = trust.review(paths, trust.team_source(paths, "acme")).settings
    return {setting.what: state for setting, state in found}


def edited(**changes: object) -> bytes:
    import copy

    data = copy.deepcopy(SETTINGS)
    for path, value in changes.items():
        *parents, last = path.split("__")
        here: dict[str, object] = data
        for part in parents:
            here = here[part]  # type: ignore[assignment]
        here[last] = value
    return yaml.safe_dump(data, sort_keys=False).encode()


def test_settings_are_trusted_one_by_one(home: Path) -> None:
    paths = user_paths(home)
    (home / "tmpl").mkdir()
    (home / "tmpl" / "gitconfig.j2").write_text("[core]\n")
    team(paths, edited())
    assert set(states(paths).values()) == {trust.NEW}
    trust.record(paths, trust.team_source(paths, "acme"))
    assert set(states(paths).values()) == {trust.TRUSTED}

    # an inert change (an AWS region) leaves every setting trusted
    team(paths, edited(components__aws__profiles__dev__region="eu-west-2"))
    assert set(states(paths).values()) == {trust.TRUSTED}
    # one character in one setting: only that one waits, as changed
    team(paths, edited(components__git__config={"core.pager": "less -r", "core.editor": "{{ answers.editor }}"}))
    assert [w for w, s in states(paths).items() if s != trust.TRUSTED] == ["git setting core.pager"]
    assert states(paths)["git setting core.pager"] == trust.CHANGED
    # a new folder on PATH is new; the one trusted before stays trusted
    team(paths, edited(components__shell__path=["~/bin", "~/evil"]))
    assert {w: s for w, s in states(paths).items() if s != trust.TRUSTED} == {"folder on PATH ~/evil": trust.NEW}
    # the default of a question a setting uses is part of it
    team(paths, edited(prompts=[{"id": "editor", "message": "Editor?", "default": "touch x; vim"}]))
    assert [w for w, s in states(paths).items() if s != trust.TRUSTED] == ["git setting core.editor"]
    # so are the bytes of the template a dotfile names
    team(paths, edited())
    (home / "tmpl" / "gitconfig.j2").write_text("[core]\n\tfsmonitor = touch x\n")
    assert [w for w, s in states(paths).items() if s != trust.TRUSTED] == ["file ~/.gitconfig-team"]


def test_a_store_of_the_earlier_format_still_trusts_what_it_trusted(home: Path) -> None:
    paths = user_paths(home)
    team(paths, edited())
    source = trust.team_source(paths, "acme")
    # as schema 1 wrote it: one hash over the whole source
    paths.trust.parent.mkdir(parents=True, exist_ok=True)
    entry = {"kind": "team", "digest": source.digest, "commands": [], "commit": None, "trusted_at": "x"}
    paths.trust.write_text(json.dumps({"schema": 1, "sources": {"acme": entry}}))
    assert trust.is_trusted(paths, source)
    # once the source changes, everything in it waits (that store cannot tell which part changed)
    team(paths, edited(components__shell__aliases={"ll": "ls -la"}))
    assert set(states(paths).values()) == {trust.NEW}
    trust.record(paths, trust.team_source(paths, "acme"))
    stored = json.loads(paths.trust.read_text())
    assert stored["schema"] == trust.STORE_SCHEMA == 2
    assert stored["sources"]["acme"]["items"] and set(states(paths).values()) == {trust.TRUSTED}
