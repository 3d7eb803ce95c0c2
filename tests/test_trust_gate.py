"""An untrusted team profile cannot make the computer run a program: real git, real bash.

Each vector is a team repository added with `profile add --yes` (which never trusts), applied
with `run --yes`, then exercised as a person would: `git status` in a new repository, a git
alias, a new interactive bash. No canary file may appear until `profile trust`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bootstrap.profiles import covered, schema
from tests.conftest import bootstrap, need
from tests.support.teams import TeamRepo

ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"

EVIL = """\
schema: 1
extends: [base]
components:
  git:
    config:
      core.fsmonitor: "touch $HOME/PWNED-fsmonitor; false"
      alias.st: "!touch $HOME/PWNED-git-alias"
      Core.Pager: "touch $HOME/PWNED-pager; cat"
      core.sshCommand: "touch $HOME/PWNED-ssh; ssh"
      credential.helper: "!touch $HOME/PWNED-credential"
      include.path: "~/.local/share/bootstrap/teams/acme/evil.gitconfig"
      filter.x.clean: "touch $HOME/PWNED-filter"
      init.defaultBranch: trunk
  shell:
    aliases:
      ls: "touch $HOME/PWNED-alias; ls"
    env:
      EDITOR: "touch $HOME/PWNED-editor"
    path: ["~/evilbin"]
  dotfiles:
    - {template: editorconfig, target: "~/.config/git/template/hooks/post-checkout", executable: true}
  aws:
    profiles:
      dev: {region: eu-west-1}
"""

COVERED_GIT = (
    "core.fsmonitor",
    "alias.st",
    "Core.Pager",  # as written: git matches names case-insensitively, and so does the gate
    "core.sshCommand",
    "credential.helper",
    "include.path",
    "filter.x.clean",
)

pytestmark = [pytest.mark.usefixtures("home"), pytest.mark.untrusted_profiles]


@pytest.fixture(autouse=True)
def only_what_runs_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    # packages would really install (the tests run as root); the rest needs tools of its own
    monkeypatch.setenv("BOOTSTRAP_SKIP", "packages,secrets,aws,terraform")


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    return path


def git_in(home: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)


def global_git(home: Path, key: str) -> str:
    return git_in(home, "config", "--global", "--get", key, cwd=home).stdout.strip()


def exercise(home: Path, tmp_path: Path, name: str) -> None:
    """What a person does on a normal day: a new repository, its status, a git alias, a new bash."""
    repo = tmp_path / name
    repo.mkdir()
    git_in(home, "init", "-q", cwd=repo)
    git_in(home, "status", cwd=repo)
    git_in(home, "st", cwd=repo)
    subprocess.run(
        ["bash", "-ic", "ls >/dev/null; printf 'EDITOR=%s\\n' \"$EDITOR\""],
        cwd=repo,
        env={"HOME": str(home), "PATH": os.environ["PATH"], "TERM": "dumb"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def canaries(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.name.startswith("PWNED"))


def test_untrusted_git_and_shell_settings_wait_for_trust_then_apply(tmp_path: Path, home: Path, answers: Path) -> None:
    need("git")
    need("bash")
    evil = TeamRepo(tmp_path, "evil")
    evil.commit({"evil.yaml": EVIL})
    # a folder the team's PATH entry names, holding an `ls` of its own
    (home / "evilbin").mkdir()
    (home / "evilbin" / "ls").write_text('#!/bin/sh\ntouch "$HOME/PWNED-path"\n')
    (home / "evilbin" / "ls").chmod(0o755)
    assert bootstrap("profile", "add", evil.url, "--name", "acme", "--yes").returncode == 0

    ran = bootstrap("run", "--profile", "acme/evil", "--yes", "--answers", str(answers))
    assert ran.returncode == 3, ran.stdout + ran.stderr
    assert "bootstrap profile trust acme" in ran.stdout
    for key in COVERED_GIT:
        assert global_git(home, key) == "", key
    assert global_git(home, "init.defaultBranch") == "trunk"  # inert: applied without trust
    exercise(home, tmp_path, "before")
    assert canaries(home) == []

    plan = bootstrap("plan", "--profile", "acme/evil", "--answers", str(answers))
    assert plan.returncode == 0, plan.stderr
    for key in COVERED_GIT:
        assert f"git setting {key} (not trusted yet, so not applied)" in plan.stdout, key
    hook = home / ".config" / "git" / "template" / "hooks" / "post-checkout"
    assert not hook.exists()
    for what in (
        "shell alias ls",
        "shell variable EDITOR",
        "folder on PATH ~/evilbin",
        "file ~/.config/git/template/hooks/post-checkout",
    ):
        assert f"{what} (not trusted yet, so not applied)" in plan.stdout, what
    detailed = bootstrap("plan", "--profile", "acme/evil", "--answers", str(answers), "--detailed-exitcode")
    assert detailed.returncode == 2

    doctor = json.loads(bootstrap("doctor", "--json", "--profile", "acme/evil").stdout)
    waiting = [c for c in doctor["checks"] if c["id"] == "trust.settings"]
    assert len(waiting) == 1 and waiting[0]["status"] == "warning"
    assert waiting[0]["fix"] == "bootstrap profile trust acme"
    assert canaries(home) == []

    shown = bootstrap("profile", "trust", "acme")
    assert shown.returncode == 0, shown.stderr
    assert "core.fsmonitor: touch $HOME/PWNED-fsmonitor; false" in shown.stdout
    assert "shell alias ls: touch $HOME/PWNED-alias; ls" in shown.stdout
    trusted = bootstrap("run", "--profile", "acme/evil", "--yes", "--answers", str(answers))
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert global_git(home, "core.fsmonitor") == "touch $HOME/PWNED-fsmonitor; false"
    assert hook.is_file()
    exercise(home, tmp_path, "after")
    # trusted, they take effect: the gate was what held them
    assert {"PWNED-fsmonitor", "PWNED-git-alias", "PWNED-alias", "PWNED-path"} <= set(canaries(home))

    # a one-character change to one covered setting makes that one wait, and only that one
    evil.commit({"evil.yaml": EVIL.replace("PWNED-alias; ls", "PWNED-alias2; ls")})
    assert bootstrap("profile", "update", "acme", "--yes").returncode == 0
    again = bootstrap("plan", "--profile", "acme/evil", "--answers", str(answers))
    assert "shell alias ls changed (the new value is not trusted yet, so the trusted one stays)" in again.stdout
    assert again.stdout.count("not trusted yet") == 1, again.stdout
    changed = bootstrap("run", "--profile", "acme/evil", "--yes", "--answers", str(answers))
    assert changed.returncode == 3, changed.stdout + changed.stderr
    # what the earlier trusted version set is not let go of while the new one waits
    assert global_git(home, "core.fsmonitor") == "touch $HOME/PWNED-fsmonitor; false"
    assert hook.is_file()
    (home / "PWNED-alias").unlink()
    exercise(home, tmp_path, "changed")
    assert not (home / "PWNED-alias2").exists()
    assert (home / "PWNED-alias").exists()  # the alias as trusted, until the new text is

    # a new setting waits alone; a change to inert ones (init.defaultBranch, an AWS region) waits for nothing
    evil.commit(
        {
            "evil.yaml": EVIL.replace("PWNED-alias; ls", "PWNED-alias2; ls")
            .replace("      init.defaultBranch: trunk\n", "      init.defaultBranch: main\n      core.hooksPath: ~/h\n")
            .replace("eu-west-1", "eu-west-2")
        }
    )
    assert bootstrap("profile", "update", "acme", "--yes").returncode == 0
    waits = [
        line
        for line in bootstrap("plan", "--profile", "acme/evil", "--answers", str(answers)).stdout.splitlines()
        if "not trusted yet" in line
    ]
    assert len(waits) == 2 and any("git setting core.hooksPath (not trusted yet" in w for w in waits), waits


def test_a_profile_file_given_by_path_waits_for_trust_too(tmp_path: Path, home: Path, answers: Path) -> None:
    need("git")
    profile = tmp_path / "mine.yaml"
    profile.write_text(EVIL)
    ran = bootstrap("run", "--profile", str(profile), "--yes", "--answers", str(answers))
    assert ran.returncode == 3, ran.stdout + ran.stderr
    assert global_git(home, "core.fsmonitor") == ""
    exercise(home, tmp_path, "repo")
    assert canaries(home) == []
    assert bootstrap("profile", "trust", str(profile), "--yes").returncode == 0
    assert bootstrap("run", "--profile", str(profile), "--yes", "--answers", str(answers)).returncode == 0
    assert global_git(home, "core.fsmonitor") == "touch $HOME/PWNED-fsmonitor; false"


def test_a_team_profile_keeps_what_the_data_scientist_role_sets_without_trust(
    tmp_path: Path, home: Path, answers: Path
) -> None:
    need("git")
    team = TeamRepo(tmp_path)
    team.commit(
        {
            "ds.yaml": "schema: 1\nextends: [data-scientist]\ncomponents:\n"
            "  git:\n    config:\n      core.pager: less -R\n      pull.rebase: 'true'\n"
        }
    )
    assert bootstrap("profile", "add", team.url, "--yes").returncode == 0
    ran = bootstrap("run", "--profile", "acme/ds", "--yes", "--answers", str(answers))
    assert ran.returncode == 3, ran.stdout + ran.stderr  # the team's own pager waits
    assert global_git(home, "filter.nbstripout.clean") == "nbstripout"
    assert global_git(home, "diff.ipynb.textconv") == "nbstripout -t"
    assert global_git(home, "init.templateDir") == "~/.config/git/template"
    assert (home / ".config" / "git" / "template" / "hooks" / "pre-commit").is_file()
    assert global_git(home, "pull.rebase") == "true"
    assert global_git(home, "core.pager") == ""


AWS_INJECTION = """\
schema: 1
extends: [base]
components:
  aws:
    profiles:
      dev:
        region: eu-west-1
        output: "json\\ncredential_process = sh -c 'touch $HOME/PWNED-aws'"
"""


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (AWS_INJECTION, 8, "output holds a line break"),
        (
            'schema: 1\ncomponents:\n  aws:\n    profiles:\n      "dev]\\n[profile x": {region: eu-west-1}\n',
            4,
            "is not a usable section name",
        ),
        ('schema: 1\ncomponents:\n  git:\n    config:\n      user.name: "a\\nb"\n', 5, "holds a line break"),
        ('schema: 1\ncomponents:\n  shell:\n    aliases:\n      ll: "ls\\rtouch x"\n', 5, "holds a line break"),
        ('schema: 1\ncomponents:\n  packages:\n    system:\n      - "--allow-unauthenticated"\n', 4, "not a package"),
        ("schema: 1\ncomponents:\n  packages:\n    uv_tools:\n      - {name: 'git+https://x/y'}\n", 5, "not a package"),
        ("schema: 1\ncomponents:\n  secrets:\n    env:\n      BASH_ENV: pass://a/b\n", 5, "changes how programs start"),
        ('schema: 1\nname: "x\\ntouch $HOME/PWNED"\n', 2, "holds a line break"),
        ('schema: 1\nname: "x\\u2028touch $HOME/PWNED"\n', 2, "holds a line break"),
        ('schema: 1\ncomponents:\n  git:\n    config:\n      core.editor: "vi\\x85x"\n', 5, "holds a line break"),
        *[
            (
                f"schema: 1\ncomponents:\n  secrets:\n    env:\n      {name}: pass://a/b\n",
                5,
                "changes how programs start",
            )
            for name in ("LD_PRELOAD", "PYTHONSTARTUP", "GIT_SSH_COMMAND", "PROMPT_COMMAND", "ENV", "ld_audit")
        ],
        *[
            (f"schema: 1\ncomponents:\n  packages:\n    system:\n      - '{name}'\n", 4, "not a package")
            for name in ("/tmp/evil.deb", "https://evil.example.com/x.deb", "-oAPT::Update::Pre-Invoke::=touch x")
        ],
        *[
            (
                f"schema: 1\ncomponents:\n  dotfiles:\n    - target: ~/.x\n      template: '{name}'\n",
                5,
                "is outside the repository of the profile that names it",
            )
            for name in ("~/.ssh/id_ed25519", "/etc/shadow", "../elsewhere/hook", "templates/../../x")
        ],
        (
            "schema: 1\ncomponents:\n  git:\n    hosts:\n      - {host: h.com, repos: ['--upload-pack=touch x']}\n",
            5,
            "a repository is written like",
        ),
    ],
)
def test_values_that_would_add_lines_or_options_are_refused(
    tmp_path: Path, home: Path, answers: Path, text: str, line: int, words: str
) -> None:
    need("git")
    team = TeamRepo(tmp_path)
    team.commit({"bad.yaml": text})
    checked = bootstrap("profile", "validate", str(team.work / "bad.yaml"))
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert f"bad.yaml:{line}:" in checked.stdout + checked.stderr and words in checked.stdout + checked.stderr
    assert bootstrap("profile", "add", team.url, "--yes").returncode == 0
    ran = bootstrap("run", "--profile", "acme/bad", "--yes", "--answers", str(answers))
    assert ran.returncode == 2, ran.stdout + ran.stderr
    error = ran.stderr.strip().splitlines()
    assert len(error) == 1 and f"bad.yaml:{line}:" in error[0] and "Traceback" not in ran.stderr
    assert not (home / ".aws").exists() and not (home / ".gitconfig").exists()


def _schema_keys(model: type, prefix: str = "") -> list[str]:
    """Every key path of the profile schema, down to the leaves."""
    from pydantic import BaseModel

    from bootstrap.profiles.load import _unwrap

    found = []
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        path = f"{prefix}{info.alias or name}"
        inner = _unwrap(info.annotation)
        import typing

        while typing.get_origin(inner) in (list, dict):
            inner = _unwrap(typing.get_args(inner)[-1])
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            found += _schema_keys(inner, f"{path}.")
        else:
            found.append(path)
    return found


def test_every_key_of_the_profile_schema_is_classified() -> None:
    keys = _schema_keys(schema.Profile)
    assert "components.git.config" in keys and "components.aws.profiles.output" in keys

    def classified(path: str) -> bool:
        if path in covered.KEYS:
            return True
        # a section classified whole covers the keys under it only when it is covered: inert is
        # said key by key, so that a key added later is never inert by accident
        parts = path.split(".")
        parents = [".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]
        return any(p in covered.KEYS and covered.KEYS[p][0] != covered.INERT for p in parents)

    missing = [k for k in keys if not classified(k)]
    assert missing == [], f"classify these in bootstrap/profiles/covered.py KEYS: {missing}"
    assert all(kind in (covered.INERT, covered.COVERED, covered.NOT_YET) for kind, _ in covered.KEYS.values())
    assert all(why for _, why in covered.KEYS.values())


def test_the_trust_section_of_the_docs_shows_every_classified_key() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "profiles.md").read_text()
    section = docs[docs.index("### Trust") :]
    for key, (kind, why) in covered.KEYS.items():
        assert f"| `{key}` | {kind} | {why} |" in section, key


def test_a_terraform_download_source_holds_the_whole_component(
    tmp_path: Path, home: Path, answers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need("git")
    monkeypatch.setenv("BOOTSTRAP_SKIP", "packages,secrets,aws,shell,git,dotfiles")
    team = TeamRepo(tmp_path)
    team.commit(
        {
            "tf.yaml": "schema: 1\nextends: [base]\ncomponents:\n  terraform:\n    version: 1.5.7\n    mirror: http://127.0.0.1:9/tf\n    verify: false\n"
        }
    )
    assert bootstrap("profile", "add", team.url, "--yes").returncode == 0
    plan = bootstrap("plan", "--profile", "acme/tf", "--answers", str(answers), "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "Terraform mirror (not trusted yet, so not applied)" in plan.stdout
    assert "Terraform verify (not trusted yet, so not applied)" in plan.stdout
    ran = bootstrap("run", "--profile", "acme/tf", "--yes", "--answers", str(answers))
    assert ran.returncode == 3, ran.stdout + ran.stderr
    assert "bootstrap profile trust acme" in ran.stdout
    assert not (home / ".local" / "bin" / "terraform").exists()


def test_every_covered_key_is_found_by_the_gate() -> None:
    data = {
        "commands": [{"name": "x", "run": "true"}],
        "components": {
            "git": {"config": {"core.fsmonitor": "x", "INCLUDEIF.gitdir:~/.path": "y", "pull.rebase": "true"}},
            "shell": {"aliases": {"a": "b"}, "env": {"A": "b"}, "path": ["~/bin"]},
            "packages": {"system": ["jq"], "uv_tools": [{"name": "ruff"}], "index_url": "https://x/simple"},
            "dotfiles": [{"template": "t", "target": "~/t"}],
            "terraform": {
                "mirror": "m",
                "keys": "k",
                "verify": False,
                "terragrunt": {"mirror": "m", "api": "a", "keys": "k"},
                "opentofu": {"mirror": "m", "api": "a", "keys": "k"},
            },
        },
    }
    found = {".".join(str(p) for p in item.loc if not isinstance(p, int)) for item in covered.items(data)}
    for key, (kind, _) in covered.KEYS.items():
        if kind == covered.COVERED and key != "commands":  # commands: trust.judge, by their text
            assert any(f.startswith(key) for f in found), key
    assert "components.git.config.pull.rebase" not in found
    assert "components.git.config.INCLUDEIF.gitdir:~/.path" in found
    assert covered.git_inert("Color.Diff.Meta") and not covered.git_inert("core.hooksPath")


def test_every_command_loads_its_profile_through_the_gate() -> None:
    """profiles.load alone skips the trust gate: only engine.runs.prepare (and profile_of, for the
    commands that only read the profile) may call it, besides show and validate, which apply nothing."""
    root = Path(__file__).parent.parent / "bootstrap"
    allowed = {"engine/runs.py", "cli/profile.py", "profiles/validate.py", "profiles/load.py"}
    callers = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "profiles.load(" in path.read_text() or "load.load(" in path.read_text()
    }
    assert callers - allowed == set(), "load the profile with engine.runs.prepare or runs.profile_of instead"
    assert "trust.gate(" in (root / "engine" / "runs.py").read_text()
    for command in ("cli/secrets.py", "cli/pinned.py"):
        assert "runs.profile_of(" in (root / command).read_text(), command
    # the pinned tools' commands read their settings through cli/pinned.py, never on their own
    for command in ("cli/terraform.py", "cli/terragrunt.py", "cli/tofu.py"):
        assert "from bootstrap.cli.pinned import" in (root / command).read_text(), command
