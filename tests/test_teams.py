"""Team sources through the real CLI: real git repositories served over file://, git daemon and HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.conftest import bootstrap, need
from tests.support.teams import TeamRepo, git, git_daemon, http_server

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")

ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"

ENG = """\
schema: 1
name: eng
description: Acme data engineers
extends: [common]
components:
  git:
    config:
      init.defaultBranch: {team}
commands:
  - name: Leave a mark
    run: echo {mark} >> "$HOME/canary"
"""

COMMON = """\
schema: 1
description: What every Acme profile shares
extends: [data-engineer]
components:
  git:
    config:
      merge.conflictStyle: zdiff3
"""


def data_dir(home: Path) -> Path:
    return home / ".local" / "share" / "bootstrap"


def pin(home: Path, team: str = "acme") -> str:
    sources = json.loads((data_dir(home) / "team-sources.json").read_text())
    return str(sources["teams"][team]["pin"])


def git_value(home: Path, key: str) -> str:
    result = subprocess.run(
        ["git", "config", "--file", str(home / ".gitconfig"), "--get", key], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def canary(home: Path) -> list[str]:
    path = home / "canary"
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def repo(tmp_path: Path) -> TeamRepo:
    need("git")
    team = TeamRepo(tmp_path)
    team.commit({"profiles/eng.yaml": ENG.format(team="data", mark="one"), "profiles/common.yaml": COMMON})
    return team


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    return path


def run(answers: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return bootstrap("run", "--profile", "acme/eng", "--yes", "--answers", str(answers), *extra)


def test_added_team_is_pinned_and_nothing_of_it_runs_before_trust(repo: TeamRepo, home: Path, answers: Path) -> None:
    added = bootstrap("profile", "add", repo.url, "--yes")
    assert added.returncode == 0, added.stderr
    assert 'echo one >> "$HOME/canary"' in added.stdout  # shown in full before anything runs
    assert "bootstrap profile trust acme" in added.stdout
    assert pin(home) == git("rev-parse", "HEAD", cwd=repo.work)
    listed = bootstrap("profile", "list").stdout
    assert "acme/eng" in listed and "acme/common" in listed

    first = run(answers)
    assert first.returncode == 3  # all else done; the command waits on the person's trust
    assert "bootstrap profile trust acme" in first.stdout + first.stderr
    assert canary(home) == []
    # the declarative parts were applied all the same, extends resolved inside the team
    assert git_value(home, "init.defaultBranch") == "data" and git_value(home, "merge.conflictStyle") == "zdiff3"
    assert bootstrap("plan", "--profile", "acme/eng", "--answers", str(answers)).returncode == 0
    assert canary(home) == []

    trusted = bootstrap("profile", "trust", "acme")
    assert trusted.returncode == 0 and 'echo one >> "$HOME/canary"' in trusted.stdout
    assert run(answers).returncode == 0
    assert canary(home) == ["one"]
    again = run(answers)
    assert again.returncode == 0 and "Nothing to change" in again.stdout
    assert canary(home) == ["one"]  # a command without `unless` runs once per content


def test_update_shows_a_readable_diff_and_moves_the_pin_only_when_told(
    repo: TeamRepo, home: Path, answers: Path
) -> None:
    assert bootstrap("profile", "add", repo.url).returncode == 0
    assert bootstrap("profile", "trust", "acme").returncode == 0
    assert run(answers).returncode == 0
    old = pin(home)

    new = repo.commit({"profiles/eng.yaml": ENG.format(team="platform", mark="one")}, "move to the platform team")
    asked = bootstrap("profile", "update", "acme")  # no terminal, no --yes: nobody agreed
    assert asked.returncode == 1 and "--yes" in asked.stderr
    assert "acme/eng (profiles/eng.yaml) changed: components.git" in asked.stdout
    assert "-      init.defaultBranch: data" in asked.stdout and "+      init.defaultBranch: platform" in asked.stdout
    assert "diff --git" not in asked.stdout
    assert pin(home) == old

    moved = bootstrap("profile", "update", "acme", "--yes")
    assert moved.returncode == 0, moved.stderr
    assert "apply only once you trust them" not in moved.stdout
    assert pin(home) == new
    # only declarative parts changed: applied, and the trusted command is still trusted (and done)
    assert run(answers).returncode == 0
    assert git_value(home, "init.defaultBranch") == "platform"
    assert canary(home) == ["one"]
    assert "up to date" in bootstrap("profile", "update", "acme", "--yes").stdout


def test_a_changed_command_needs_trust_again_and_yes_never_trusts(repo: TeamRepo, home: Path, answers: Path) -> None:
    assert bootstrap("profile", "add", repo.url, "--yes").returncode == 0
    assert bootstrap("profile", "trust", "acme").returncode == 0
    assert run(answers).returncode == 0
    repo.commit({"profiles/eng.yaml": ENG.format(team="data2", mark="two")})

    moved = bootstrap("profile", "update", "--yes")  # every team
    assert moved.returncode == 0
    assert "apply only once you trust them" in moved.stdout and 'echo two >> "$HOME/canary"' in moved.stdout
    blocked = run(answers)  # everything else applies; the changed command waits for trust: exit 3
    assert blocked.returncode == 3, blocked.stdout + blocked.stderr
    assert "Waiting on your trust in the team's settings:" in blocked.stdout
    assert "bootstrap profile trust acme" in blocked.stdout
    assert canary(home) == ["one"]
    assert git_value(home, "init.defaultBranch") == "data2"  # the declarative change still applied
    doctor = json.loads(bootstrap("doctor", "--json", "--profile", "acme/eng").stdout)
    check = next(c for c in doctor["checks"] if c["id"] == "commands.trust")
    assert check["status"] == "warning" and check["fix"] == "bootstrap profile trust acme"

    assert bootstrap("profile", "trust", "acme", "--yes").returncode == 0
    assert run(answers).returncode == 0
    assert canary(home) == ["one", "two"]


def test_trust_flag_trusts_what_was_fetched(repo: TeamRepo, home: Path, answers: Path) -> None:
    added = bootstrap("profile", "add", repo.url, "--yes", "--trust")
    assert added.returncode == 0 and 'echo one >> "$HOME/canary"' in added.stdout
    assert run(answers).returncode == 0
    assert canary(home) == ["one"]
    repo.commit({"profiles/eng.yaml": ENG.format(team="data", mark="three")})
    assert bootstrap("profile", "update", "acme", "--yes", "--trust").returncode == 0
    assert run(answers).returncode == 0
    assert canary(home) == ["one", "three"]


def test_malicious_profile_never_runs_untrusted(tmp_path: Path, home: Path, answers: Path) -> None:
    need("git")
    evil = TeamRepo(tmp_path, "evil")
    evil.commit(
        {
            "eng.yaml": "schema: 1\nextends: [base]\ncommands:\n"
            '  - name: Innocent\n    run: touch "$HOME/ran-run"\n    unless: touch "$HOME/ran-unless"; false\n'
        }
    )
    assert bootstrap("profile", "add", evil.url, "--name", "acme", "--yes").returncode == 0
    for args, code in (
        (("run", "--profile", "acme/eng", "--yes", "--answers", str(answers)), 3),
        (("run", "--profile", "acme/eng", "--yes", "--answers", str(answers), "--only", "commands"), 3),
        (("plan", "--profile", "acme/eng", "--answers", str(answers)), 0),
        (("plan", "--profile", "acme/eng", "--answers", str(answers), "--detailed-exitcode"), 2),
    ):
        result = bootstrap(*args)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        assert "Innocent (not trusted yet, so not run)" in result.stdout
        assert "bootstrap profile trust acme" in result.stdout
    doctor = json.loads(bootstrap("doctor", "--json", "--profile", "acme/eng").stdout)
    statuses = {c["id"]: c["status"] for c in doctor["checks"] if c["component"] == "commands"}
    assert statuses == {"commands.trust": "warning", "commands.1.innocent": "skipped"}
    assert bootstrap("doctor", "--profile", "acme/eng").returncode == 0  # a warning, not an error
    assert not (home / "ran-run").exists() and not (home / "ran-unless").exists()
    # a local copy given by path is not trusted either
    copy = tmp_path / "copy.yaml"
    copy.write_text((evil.work / "eng.yaml").read_text())
    assert bootstrap("run", "--profile", str(copy), "--yes", "--answers", str(answers)).returncode == 3
    assert not (home / "ran-run").exists() and not (home / "ran-unless").exists()
    # skipping commands gives a clean run of the rest
    assert run(answers, "--skip", "commands").returncode == 0


def test_unless_decides_whether_a_trusted_command_runs(tmp_path: Path, home: Path, answers: Path) -> None:
    need("git")
    team = TeamRepo(tmp_path)
    team.commit(
        {
            "eng.yaml": "schema: 1\nextends: [base]\ncommands:\n  - name: Marker\n"
            '    run: echo made >> "$HOME/marker"\n    unless: test -f "$HOME/marker"\n'
        }
    )
    assert bootstrap("profile", "add", team.url).returncode == 0
    assert bootstrap("profile", "trust", "acme").returncode == 0
    assert run(answers).returncode == 0
    assert (home / "marker").read_text() == "made\n"
    assert run(answers).returncode == 0
    assert (home / "marker").read_text() == "made\n"
    (home / "marker").unlink()
    doctor = json.loads(bootstrap("doctor", "--json", "--profile", "acme/eng").stdout)
    check = next(c for c in doctor["checks"] if c["id"] == "commands.1.marker")
    assert check["status"] == "warning" and check["fix"] == "bootstrap run --only commands"
    assert run(answers, "--only", "commands").returncode == 0
    assert (home / "marker").read_text() == "made\n"


def test_path_profile_commands_run_after_trusting_the_file(tmp_path: Path, home: Path, answers: Path) -> None:
    profile = tmp_path / "mine.yaml"
    profile.write_text('schema: 1\nextends: [base]\ncommands:\n  - {name: Mark, run: echo f >> "$HOME/canary"}\n')
    assert bootstrap("run", "--profile", str(profile), "--yes", "--answers", str(answers)).returncode == 3
    assert canary(home) == []
    assert bootstrap("profile", "trust", str(profile)).returncode == 0
    assert bootstrap("run", "--profile", str(profile), "--yes", "--answers", str(answers)).returncode == 0
    assert canary(home) == ["f"]
    profile.write_text(profile.read_text().replace("echo f", "echo g"))
    assert bootstrap("run", "--profile", str(profile), "--yes", "--answers", str(answers)).returncode == 3
    assert canary(home) == ["f"]


def test_user_profiles_are_the_users_own_and_need_no_trust(home: Path, answers: Path) -> None:
    folder = home / ".config" / "bootstrap" / "profiles"
    folder.mkdir(parents=True)
    (folder / "me.yaml").write_text(
        'schema: 1\nextends: [base]\ncommands:\n  - {name: Mark, run: echo u >> "$HOME/canary"}\n'
    )
    assert bootstrap("run", "--profile", "me", "--yes", "--answers", str(answers)).returncode == 0
    assert canary(home) == ["u"]


def test_git_daemon_and_http_transports(repo: TeamRepo, tmp_path: Path, home: Path, answers: Path) -> None:
    with git_daemon(repo.bare.parent) as base:
        added = bootstrap("profile", "add", f"{base}/acme.git", "--name", "viadaemon")
        assert added.returncode == 0, added.stderr
        new = repo.commit({"profiles/eng.yaml": ENG.format(team="daemon", mark="one")})
        assert bootstrap("profile", "update", "viadaemon", "--yes").returncode == 0
        assert pin(home, "viadaemon") == new
    with http_server(repo.bare.parent) as base:
        added = bootstrap("profile", "add", f"{base}/acme.git", "--name", "viahttp")
        assert added.returncode == 0, added.stderr
        assert pin(home, "viahttp") == new
        newer = repo.commit({"profiles/eng.yaml": ENG.format(team="http", mark="one")})
        assert bootstrap("profile", "update", "viahttp", "--yes").returncode == 0
        assert pin(home, "viahttp") == newer
    listed = bootstrap("profile", "list").stdout
    assert "viadaemon/eng" in listed and "viahttp/eng" in listed


def test_single_profile_file_url(tmp_path: Path, home: Path, answers: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "eng.yaml").write_text(
        "schema: 1\nextends: [base]\ncomponents:\n  git:\n    config: {init.defaultBranch: one}\n"
    )
    with http_server(site) as base:
        added = bootstrap("profile", "add", f"{base}/eng.yaml", "--name", "acme")
        assert added.returncode == 0, added.stderr
        assert run(answers).returncode == 0
        assert git_value(home, "init.defaultBranch") == "one"
        (site / "eng.yaml").write_text(
            "schema: 1\nextends: [base]\ncomponents:\n  git:\n    config: {init.defaultBranch: two}\n"
        )
        shown = bootstrap("profile", "update", "acme")
        assert shown.returncode == 1 and "+    config: {init.defaultBranch: two}" in shown.stdout
        assert bootstrap("profile", "update", "acme", "--yes").returncode == 0
    assert run(answers).returncode == 0
    assert git_value(home, "init.defaultBranch") == "two"


def test_local_repository_and_ref_pins(repo: TeamRepo, home: Path) -> None:
    first = git("rev-parse", "HEAD", cwd=repo.work)
    repo.tag("v1")
    assert bootstrap("profile", "add", str(repo.work), "--name", "local").returncode == 0
    assert bootstrap("profile", "add", repo.url, "--ref", "v1").returncode == 0
    later = repo.commit({"profiles/eng.yaml": ENG.format(team="later", mark="one")})
    assert "up to date" in bootstrap("profile", "update", "acme", "--yes").stdout
    assert pin(home) == first
    git("push", "--quiet", "origin", "HEAD:main", cwd=repo.work)
    assert bootstrap("profile", "update", "local", "--yes").returncode == 0
    assert pin(home, "local") == later
    wrong = bootstrap("profile", "add", repo.url, "--name", "other", "--ref", "no-such-branch")
    assert wrong.returncode == 2 and "--ref" in wrong.stderr
    assert not (data_dir(home) / "teams" / "other").exists()


def test_add_refuses_clear_mistakes_and_remove_forgets_everything(repo: TeamRepo, home: Path, tmp_path: Path) -> None:
    assert bootstrap("profile", "add", repo.url).returncode == 0
    again = bootstrap("profile", "add", repo.url)
    assert again.returncode == 2 and "already added" in again.stderr
    bad_name = bootstrap("profile", "add", repo.url, "--name", "Bad Name")
    assert bad_name.returncode == 2 and "--name" in bad_name.stderr
    missing = bootstrap("profile", "add", "file:///nowhere/at/all.git", "--name", "gone")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    empty = TeamRepo(tmp_path, "empty")
    empty.commit({"README.md": "nothing here\n"})
    none = bootstrap("profile", "add", empty.url)
    assert none.returncode == 2 and "holds no profiles" in none.stderr
    assert sorted(p.name for p in (data_dir(home) / "teams").iterdir()) == ["acme"]
    assert not [p for p in data_dir(home).iterdir() if p.name.startswith(".incoming")]

    assert bootstrap("profile", "trust", "acme").returncode == 0
    removed = bootstrap("profile", "remove", "acme", "--yes")
    assert removed.returncode == 0
    assert not (data_dir(home) / "teams" / "acme").exists()
    assert "acme" not in json.loads((data_dir(home) / "trust.json").read_text())["sources"]
    assert "acme/eng" not in bootstrap("profile", "list").stdout
    unknown = bootstrap("profile", "remove", "acme")
    assert unknown.returncode == 2 and "no team named 'acme'" in unknown.stderr


def test_new_team_repository_validates_publishes_and_installs(tmp_path: Path, home: Path, answers: Path) -> None:
    need("git")
    folder = tmp_path / "acme-profiles"
    made = bootstrap("profile", "new", str(folder), "--team", "acme", "--role", "analyst")
    assert made.returncode == 0, made.stderr
    assert "--profile-source" in made.stdout and "--profile acme/analyst" in made.stdout
    readme = (folder / "README.md").read_text()
    assert "curl -fsSL" in readme and "--profile acme/analyst" in readme
    assert "bootstrap profile validate ." in (folder / ".github" / "workflows" / "validate.yml").read_text()
    assert "bootstrap profile validate" in (folder / ".pre-commit-config.yaml").read_text()
    checked = bootstrap("profile", "validate", str(folder))
    assert checked.returncode == 0, checked.stderr
    # the profile is named after the role it extends: that is the built-in role, not itself
    assert bootstrap("profile", "validate", str(folder / "profiles" / "analyst.yaml")).returncode == 0

    team = TeamRepo(tmp_path, "published")
    for path in folder.rglob("*"):
        if path.is_file():
            target = team.work / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    team.commit({})
    assert bootstrap("profile", "add", team.url, "--name", "acme", "--yes").returncode == 0
    listed = bootstrap("profile", "list").stdout.splitlines()
    assert sorted(i.split()[0] for i in listed if " team " in i) == ["acme/analyst"]
    result = bootstrap("run", "--profile", "acme/analyst", "--yes", "--answers", str(answers))
    assert result.returncode == 0, result.stdout + result.stderr
    assert bootstrap("doctor", "--profile", "acme/analyst").returncode == 0

    other = tmp_path / "someone-elses"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n")
    refused = bootstrap("profile", "new", str(other))
    assert refused.returncode == 2 and "not empty" in refused.stderr
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    unknown_role = bootstrap("profile", "new", str(tmp_path / "x"), "--role", "analist")
    assert unknown_role.returncode == 2 and "did you mean 'analyst'" in unknown_role.stderr


def test_new_names_the_team_after_the_folder_and_a_rerun_updates_what_it_made(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "acme-profiles"
    made = bootstrap("profile", "new", str(folder))
    assert made.returncode == 0, made.stderr
    # the team is the folder less -profiles; the example address names the folder once
    assert "--profile acme/data-engineer" in made.stdout
    assert "https://git.example.com/acme/acme-profiles.git" in made.stdout
    assert "acme-profiles-profiles" not in made.stdout + (folder / "README.md").read_text()

    renamed = bootstrap("profile", "new", str(folder), "--team", "beta")  # the same folder, another team
    assert renamed.returncode == 0, renamed.stderr
    assert "updated" in renamed.stdout and "--profile beta/data-engineer" in renamed.stdout
    readme = (folder / "README.md").read_text()
    assert "--profile beta/data-engineer" in readme and "acme/" not in readme
    assert "beta team's" in (folder / "profiles" / "data-engineer.yaml").read_text()
    assert bootstrap("profile", "validate", str(folder)).returncode == 0

    # once someone has edited it, it is theirs: refused, nothing rewritten
    profile = folder / "profiles" / "data-engineer.yaml"
    profile.write_text(profile.read_text() + "# our own line\n")
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    edited = bootstrap("profile", "new", str(folder), "--team", "gamma")
    assert edited.returncode == 2, edited.stdout + edited.stderr
    assert "profiles/data-engineer.yaml changed since" in edited.stderr
    assert edited.stderr.count("\n") == 1 and "Traceback" not in edited.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_team_profile_of_a_team_never_added_points_at_profile_add(home: Path) -> None:
    result = bootstrap("run", "--profile", "acme/analyst", "--yes")
    assert result.returncode == 2
    assert "bootstrap profile add SOURCE --name acme" in result.stderr
    assert "did you mean" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert list(home.iterdir()) == []


def test_profile_update_ends_with_the_next_command(repo: TeamRepo, home: Path, answers: Path) -> None:
    assert bootstrap("profile", "add", repo.url, "--yes", "--trust").returncode == 0
    repo.commit({"profiles/common.yaml": COMMON.replace("zdiff3", "diff3")})  # no command changed
    moved = bootstrap("profile", "update", "acme", "--yes")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.rstrip().splitlines()[-1] == "Next: bootstrap run"

    repo.commit({"profiles/eng.yaml": ENG.format(team="data", mark="two")})  # a changed command
    moved = bootstrap("profile", "update", "acme", "--yes")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.rstrip().splitlines()[-1] == "Next: bootstrap profile trust acme, then bootstrap run"

    current = bootstrap("profile", "update", "acme", "--yes")  # nothing new: nothing to do next
    assert "up to date" in current.stdout and "Next:" not in current.stdout


@pytest.mark.slow
def test_a_terminal_run_shows_what_waits_on_trust_and_asks_only_that(tmp_path: Path, home: Path) -> None:
    need("git")
    team = TeamRepo(tmp_path)
    team.commit({"eng.yaml": 'schema: 1\ncommands:\n  - {name: Leave a mark, run: echo x >> "$HOME/canary"}\n'})
    assert bootstrap("profile", "add", team.url, "--yes").returncode == 0
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}

    def terminal_run(answer: str) -> tuple[int, str]:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "bootstrap", "run", "--profile", "acme/eng"],
            env=env,
            encoding="utf-8",
            timeout=60,
            dimensions=(24, 80),
        )
        try:
            child.expect('run: echo x >> "\\$HOME/canary"')
            child.expect("Trust these of acme now")
            seen = (child.before or "") + (child.after or "")
            child.send(answer)
            if answer == "y":  # trusted now: the command is a change like any other
                child.expect("Make these changes")
                child.send("y")
            child.expect(pexpect.EOF)
        finally:
            child.close()
        return child.exitstatus, seen + (child.before or "")

    code, screen = terminal_run("n")  # no is the default: the rest is set up, the command waits
    assert code == 3, screen
    assert "Make these changes" not in screen  # nothing else to ask about
    assert "Waiting on your trust" in screen and "bootstrap profile trust acme" in screen
    assert canary(home) == []
    code, screen = terminal_run("y")
    assert code == 0, screen
    assert canary(home) == ["x"]


def test_a_symbolic_link_in_a_team_repository_never_reaches_outside(tmp_path: Path, home: Path) -> None:
    need("git")
    secret = tmp_path / "secret.yaml"
    secret.write_text("schema: 1\ndescription: private-key-material\n")
    team = TeamRepo(tmp_path)
    (team.work / "profiles").mkdir()
    (team.work / "profiles" / "leak.yaml").symlink_to(secret)
    team.commit({"profiles/eng.yaml": "schema: 1\nextends: [base]\n"})
    assert bootstrap("profile", "add", team.url).returncode == 0
    checked_out = data_dir(home) / "teams" / "acme" / "profiles" / "leak.yaml"
    assert not checked_out.is_symlink()
    assert checked_out.read_text() == str(secret)
    assert "private-key-material" not in bootstrap("profile", "list").stdout


@pytest.mark.parametrize(
    ("source", "kind", "name"),
    [
        ("https://github.com/acme/data-profiles.git", "git", "data-profiles"),
        ("git@github.com:acme/Data_Profiles.git", "git", "data_profiles"),
        ("ssh://git@git.example.com:2222/acme/profiles", "git", "profiles"),
        ("https://example.com/teams/acme.yaml?token=x", "file", "acme"),
        ("file:///srv/git/acme.git/", "git", "acme"),
    ],
)
def test_kind_and_default_team_name(source: str, kind: str, name: str) -> None:
    from bootstrap.profiles import sources

    assert sources.kind_of(source) == kind
    assert sources.default_name(source) == name


def test_a_source_that_is_none_of_the_kinds_is_bad_input(tmp_path: Path) -> None:
    result = bootstrap("profile", "add", str(tmp_path / "missing-folder"))
    assert result.returncode == 2 and "is not a git URL" in result.stderr


def _terminal(*args: str) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    return pexpect.spawn(
        sys.executable, ["-m", "bootstrap", *args], env=env, encoding="utf-8", timeout=60, dimensions=(40, 120)
    )


@pytest.mark.slow
def test_on_a_terminal_update_and_trust_ask_first(repo: TeamRepo, home: Path) -> None:
    assert bootstrap("profile", "add", repo.url).returncode == 0
    old = pin(home)
    new = repo.commit({"profiles/eng.yaml": ENG.format(team="data", mark="tty")})

    child = _terminal("profile", "update", "acme")
    child.expect("init.defaultBranch")
    child.expect("Use this version of team 'acme'")
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert pin(home) == old

    child = _terminal("profile", "update", "acme")
    child.expect("Use this version of team 'acme'")
    child.send("y")
    child.expect("Trust these commands and settings now")  # no by default: trusting is a choice
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and pin(home) == new

    child = _terminal("profile", "trust", "acme")
    child.expect('echo tty >> "\\$HOME/canary"')
    child.expect("Allow exactly these commands to run")
    child.send("n")
    child.expect("Not trusted")
    child.expect(pexpect.EOF)
    child.close()
    assert not (data_dir(home) / "trust.json").exists()
