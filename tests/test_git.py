"""The git component through the real CLI, with real git, in a fake home."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need, snapshot

pytestmark = pytest.mark.usefixtures("git_and_dotfiles_only")

ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    return path


def git(*args: str, cwd: Path | None = None) -> str:
    need("git")
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True, cwd=cwd).stdout.strip()


def test_first_run_configures_git_and_doctor_is_green(home: Path, answers: Path) -> None:
    result = bootstrap("run", "--yes", "--profile", "data-engineer", "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    assert "Done: 3 changes made." in result.stdout  # git settings, git ignore, ~/.editorconfig
    assert git("config", "--global", "user.email") == "ada@example.com"
    assert git("config", "--global", "user.name") == "Ada Lovelace"
    assert git("config", "--global", "init.defaultBranch") == "main"
    # the global ignore file works for real, in a real repository
    repo = home / "project"
    git("init", "-q", str(repo))
    (repo / ".env").write_text("WAREHOUSE_PASSWORD=x\n")
    (repo / "data.parquet").write_bytes(b"PAR1")
    (repo / "main.tf").write_text("")
    (repo / ".terraform").mkdir()
    (repo / ".terraform" / "x").write_text("")
    assert git("status", "--porcelain", "--untracked-files=all", cwd=repo) == "?? main.tf"

    doctor = bootstrap("doctor", "--json")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    report = json.loads(doctor.stdout)
    assert report["schema"] == 1 and report["status"] == "ok" and report["profile"] == "data-engineer"
    assert {c["id"] for c in report["checks"]} >= {
        "git.installed",
        "git.identity",
        "git.email",
        "git.settings",
        "git.ignore",
    }
    for check in report["checks"]:
        assert set(check) == {"id", "component", "status", "summary", "fix", "docs", "duration_ms"}
        assert check["status"] == "ok" or check["id"].endswith(".support"), check


def test_second_run_changes_nothing_and_plan_agrees(home: Path, answers: Path) -> None:
    assert bootstrap("run", "--yes", "--profile", "analyst", "--answers", str(answers)).returncode == 0
    before = snapshot(home)
    again = bootstrap("run", "--yes")  # the profile and answers are remembered
    assert again.returncode == 0, again.stderr
    assert "Nothing to change" in again.stdout
    assert snapshot(home) == before
    plan = bootstrap("plan", "--detailed-exitcode")
    assert plan.returncode == 0, plan.stdout
    assert "analyst (chosen on your last run)" in plan.stdout


def test_plan_changes_nothing_and_shows_diffs(home: Path, answers: Path) -> None:
    (home / ".gitconfig").write_text("[alias]\n\tco = checkout\n")
    before = snapshot(home)
    plan = bootstrap("plan", "--profile", "base", "--answers", str(answers), "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert any(line.strip().startswith("+") and "email = ada@example.com" in line for line in plan.stdout.splitlines())
    assert "--- ~/.gitconfig" in plan.stdout and str(home) not in plan.stdout
    assert snapshot(home) == before
    # without answers, plan still works and says what it will ask
    fresh = bootstrap("plan", "--profile", "base")
    assert fresh.returncode == 0
    assert "<your answer to 'email'>" in fresh.stdout


def test_existing_gitconfig_survives_and_undo_restores_it_exactly(home: Path, answers: Path) -> None:
    original = b'# my settings\r\n[user]\r\n\tname = Old Name\r\n[alias]\r\n\tlg = log --oneline --graph\r\n[includeIf "gitdir:~/work/"]\r\n\tpath = ~/.gitconfig-work'
    (home / ".gitconfig").write_bytes(original)
    result = bootstrap("run", "--yes", "--profile", "base", "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    assert git("config", "--global", "alias.lg") == "log --oneline --graph"
    text = (home / ".gitconfig").read_bytes()
    assert b"# my settings\r\n" in text and b'[includeIf "gitdir:~/work/"]' in text
    undo = bootstrap("undo")
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert (home / ".gitconfig").read_bytes() == original
    assert not (home / ".config").exists()
    listing = bootstrap("undo", "--list").stdout
    assert "undone by" in listing


def test_undo_leaves_files_edited_since_and_force_restores(home: Path, answers: Path) -> None:
    assert bootstrap("run", "--yes", "--profile", "base", "--answers", str(answers)).returncode == 0
    ignore = home / ".config" / "git" / "ignore"
    ignore.write_text(ignore.read_text() + "my-own-pattern\n")
    undo = bootstrap("undo")
    assert undo.returncode == 1
    assert "changed after that run" in undo.stdout and "+my-own-pattern" not in undo.stdout
    assert "-my-own-pattern" in undo.stdout  # the diff shows what restoring would lose
    assert ignore.exists()
    assert not (home / ".gitconfig").exists()  # the untouched file was undone
    forced = bootstrap("undo", "--force")
    assert forced.returncode == 0, forced.stdout
    assert not ignore.exists()


def test_user_excludes_file_gets_our_block(home: Path, answers: Path) -> None:
    mine = home / ".gitignore_global"
    mine.write_text("*.log\n")
    (home / ".gitconfig").write_text(f"[core]\n\texcludesFile = {mine}\n")
    assert bootstrap("run", "--yes", "--profile", "base", "--answers", str(answers)).returncode == 0
    text = mine.read_text()
    assert text.startswith("*.log\n# >>> bootstrap git >>>\n") and ".env\n" in text
    assert not (home / ".config" / "git" / "ignore").exists()
    assert bootstrap("doctor").returncode == 0


def test_xdg_git_config_is_used_when_it_is_the_only_one(home: Path, answers: Path) -> None:
    xdg = home / ".config" / "git" / "config"
    xdg.parent.mkdir(parents=True)
    xdg.write_text("[alias]\n\tst = status\n")
    assert bootstrap("run", "--yes", "--profile", "base", "--answers", str(answers)).returncode == 0
    assert not (home / ".gitconfig").exists()
    assert "email = ada@example.com" in xdg.read_text()


def test_doctor_finds_problems_and_names_fixes(home: Path) -> None:
    (home / ".gitconfig").write_text("[user]\n\temail = someone@gmail\n")
    result = bootstrap("doctor", "--json", "--profile", "base")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    by_id = {c["id"]: c for c in report["checks"]}
    assert report["status"] == "error"
    assert by_id["git.identity"]["status"] == "error"
    assert by_id["git.identity"]["fix"] == "bootstrap run --only git"
    assert by_id["git.email"]["status"] == "warning" and by_id["git.email"]["fix"]
    assert by_id["git.ignore"]["status"] == "warning"
    for check in report["checks"]:
        if check["status"] in ("warning", "error"):
            assert check["fix"], check
    screen = bootstrap("doctor", "--profile", "base")
    assert screen.returncode == 1
    # never set up: the one thing to do comes first, and the failing checks are still named
    assert screen.stdout.startswith("This computer has not been set up by bootstrap yet")
    assert "bootstrap run --profile base" in screen.stdout
    assert all(i in screen.stdout for i in ("git.identity", "git.email", "git.ignore")), screen.stdout


def test_report_is_redacted(home: Path, answers: Path, tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "schema: 1\nextends: [base]\nprompts:\n  - {id: email, message: Work email, pattern: '.+@example[.]com'}\n"
    )
    assert bootstrap("run", "--yes", "--profile", str(team), "--answers", str(answers)).returncode == 0
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Lovelace\n\temail = ada@gmail.com\n")
    report = bootstrap("doctor", "--report", env={"USER": "adalove"})
    assert report.returncode == 0
    text = report.stdout
    assert text.startswith("### bootstrap doctor report")
    assert "git.email" in text and "warning" in text
    for personal in ("Ada Lovelace", "ada@gmail.com", "adalove", str(home)):
        assert personal not in text


def test_missing_answer_without_tty_is_a_clear_error(home: Path) -> None:
    result = bootstrap("run", "--profile", "base")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no answer for the question 'name'" in result.stderr and "--answers" in result.stderr
    assert snapshot(home) == {".": snapshot(home)["."]}


def test_only_and_skip(home: Path, answers: Path) -> None:
    skipped = bootstrap("run", "--yes", "--profile", "base", "--skip", "git", "--answers", str(answers))
    assert skipped.returncode == 0
    assert not (home / ".gitconfig").exists()
    only = bootstrap("plan", "--profile", "base", "--only", "git", "--answers", str(answers))
    assert "git" in only.stdout and only.returncode == 0


def test_broken_gitconfig_fails_the_component_clearly(home: Path, answers: Path) -> None:
    (home / ".gitconfig").write_text("[user\n\tname = x\n")
    before = snapshot(home)
    result = bootstrap("run", "--yes", "--profile", "base", "--answers", str(answers), "--only", "git")
    assert result.returncode == 1
    assert "~/.gitconfig is not valid git configuration" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    changed = {k for k, v in snapshot(home).items() if before.get(k) != v}
    own = (".config/bootstrap", ".local/state/bootstrap")  # remembered answers and the run journal
    assert all(any(o == k or o.startswith(k + "/") or k.startswith(o + "/") for o in own) for k in changed), changed
    assert (home / ".gitconfig").read_text() == "[user\n\tname = x\n"


def test_remembered_answers_are_used_and_never_hold_passwords(home: Path, tmp_path: Path) -> None:
    profile = tmp_path / "team.yaml"
    profile.write_text("schema: 1\nextends: [base]\nprompts:\n  - {id: token, message: Token, type: password}\n")
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS + "token: canary-9f8e7d\n")
    assert bootstrap("run", "--yes", "--profile", str(profile), "--answers", str(answers)).returncode == 0
    remembered = (home / ".config" / "bootstrap" / "answers.yaml").read_text()
    assert "ada@example.com" in remembered and "canary-9f8e7d" not in remembered
    for path in home.rglob("*"):
        if path.is_file():
            assert b"canary-9f8e7d" not in path.read_bytes(), path


def test_gitconfig_holding_only_a_byte_order_mark_stays_readable(home: Path, answers: Path) -> None:
    (home / ".gitconfig").write_bytes(b"\xef\xbb\xbf")
    result = bootstrap("run", "--yes", "--profile", "base", "--answers", str(answers))
    assert result.returncode == 0, result.stdout
    data = (home / ".gitconfig").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf[user]") and data.count(b"\xef\xbb\xbf") == 1
    assert git("config", "--global", "user.email") == "ada@example.com"
    assert bootstrap("undo").returncode == 0
    assert (home / ".gitconfig").read_bytes() == b"\xef\xbb\xbf"


def test_without_git_doctor_names_the_install_command_and_skips_the_rest(home: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("sh", "bash"):  # a PATH without git
        (bare / tool).symlink_to(need(tool))
    result = bootstrap("doctor", "--json", "--profile", "base", env={"PATH": str(bare)})
    assert result.returncode == 1, result.stderr
    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["git.installed"]["status"] == "error"
    assert "install" in checks["git.installed"]["fix"] and "git" in checks["git.installed"]["fix"]
    for other in ("git.identity", "git.email", "git.settings", "git.ignore"):
        assert checks[other]["status"] == "skipped", checks[other]
    plan = bootstrap("plan", "--profile", "base", env={"PATH": str(bare)})
    assert "Install git (git is not installed)" in plan.stdout
    assert "apt-get install -y --no-install-recommends git" in plan.stdout or "brew install git" in plan.stdout
