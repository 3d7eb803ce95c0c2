"""The shell component with real bash, zsh and fish: rc files, completion, doctor, undo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bootstrap.system import files
from tests.conftest import bootstrap, need, snapshot
from tests.support.shells import interactive, link_bootstrap, registered, shell_env

PROFILE = """\
schema: 1
components:
  git: {}
  aws: {}
  terraform: {}
  shell:
    shells: [bash, zsh, fish]
    path: ["~/tools/bin"]
    env: {EDITOR: vim, DATA_DIR: "~/data dir"}
    aliases: {ll: "ls -la"}
    prompt: true
"""
FOUR = ["bootstrap", "git", "aws", "terraform"]
SHELLS = ["bash", "zsh", "fish"]


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(PROFILE)
    return path


@pytest.fixture
def stand_ins(tmp_path: Path) -> Path:
    """`aws`, `aws_completer` and `terraform` on PATH (fish completes only commands it finds).

    They stand in for the commands' presence only: what TAB offers for them is asked of the real
    aws_completer in the terminal test.
    """
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("aws", "aws_completer", "terraform"):
        (folder / name).write_text("#!/bin/sh\nexit 0\n")
        (folder / name).chmod(0o755)
    return folder


def env_for(home: Path, stand_ins: Path, **extra: str) -> dict[str, str]:
    env = shell_env(home, extra)
    env["PATH"] = f"{stand_ins}{os.pathsep}{env['PATH']}"
    return env


def run_shell(profile: Path, env: dict[str, str], *more: str) -> subprocess.CompletedProcess[str]:
    return bootstrap("run", "--yes", "--only", "shell", "--profile", str(profile), *more, env=env)


@pytest.mark.parametrize("where", ["plain", "space in the config folder", "space in the home folder"])
def test_fresh_shells_complete_the_four_commands(
    tmp_path: Path, home: Path, profile: Path, stand_ins: Path, where: str
) -> None:
    extra: dict[str, str] = {}
    if where == "space in the config folder":
        extra["XDG_CONFIG_HOME"] = str(tmp_path / "Application Support")
    if where == "space in the home folder":
        home = tmp_path / "Ada Lovelace"
        home.mkdir()
    env = env_for(home, stand_ins, **extra)
    link_bootstrap(home)
    result = run_shell(profile, env)
    assert result.returncode == 0, result.stdout + result.stderr
    if "XDG_CONFIG_HOME" in extra:
        assert (tmp_path / "Application Support" / "bootstrap" / "shell" / "init.bash").is_file()
    for shell in SHELLS:
        assert registered(shell, FOUR, home, env) == set(FOUR), shell
    # the login shell (from the account database) finds ~/.local/bin and the profile's settings
    login = interactive("bash", 'printf "%s|%s|%s" "$PATH" "$EDITOR" "$DATA_DIR"; exit 0', home, env)
    path, editor, data_dir = login.stdout.split("|")
    assert path.split(":")[:2] == [str(home / ".local/bin"), str(home / "tools/bin")]
    assert editor == "vim" and data_dir == str(home / "data dir")
    fish = interactive(
        "fish", 'printf "%s|" $PATH[1] "$EDITOR"; alias | string match -q "*ll*"; and echo alias', home, env
    )
    assert fish.stdout == f"{home / '.local/bin'}|vim|alias\n", fish.stdout + fish.stderr


def test_bootstrap_completion_is_generated_from_its_commands(home: Path, profile: Path, stand_ins: Path) -> None:
    env = env_for(home, stand_ins)
    link_bootstrap(home)
    assert run_shell(profile, env).returncode == 0
    bash = interactive(
        "bash",
        "complete -p bootstrap; "
        "COMP_WORDS=(bootstrap profile sh); COMP_CWORD=2; __bootstrap_complete bootstrap sh profile; "
        'echo "1:${COMPREPLY[*]}"; complete -p bootstrap; '
        "COMP_WORDS=(bootstrap run --profile data-); COMP_CWORD=3; _bootstrap bootstrap data- --profile; "
        'echo "2:${COMPREPLY[*]}"; '
        "COMP_WORDS=(bootstrap doctor --j); COMP_CWORD=2; _bootstrap bootstrap --j doctor; "
        'echo "3:${COMPREPLY[*]}"; exit 0',
        home,
        env,
    )
    lines = bash.stdout.splitlines()
    assert lines[0] == "complete -o default -F __bootstrap_complete bootstrap"  # registered, not yet loaded
    assert lines[1] == "1:show"
    assert lines[2] == "complete -o default -F _bootstrap bootstrap"  # the first TAB loaded the script
    assert lines[3] == "2:data-engineer data-scientist"
    assert lines[4] == "3:--json"
    fish = interactive("fish", 'complete -C"bootstrap profile sh"; complete -C"bootstrap run --only "', home, env)
    words = [line.split("\t")[0] for line in fish.stdout.splitlines()]
    assert words[0] == "show" and "shell" in words and "git" in words, fish.stdout + fish.stderr
    zsh = interactive("zsh", "print -r -- $_comps[bootstrap]; whence -w _bootstrap", home, env)
    assert zsh.stdout.splitlines() == ["_bootstrap", "_bootstrap: function"], zsh.stdout + zsh.stderr


def test_git_completion_is_loaded_on_the_first_tab(home: Path, profile: Path, stand_ins: Path) -> None:
    need("git")
    env = env_for(home, stand_ins)
    assert run_shell(profile, env).returncode == 0
    bash = interactive(
        "bash",
        "declare -F __git_main >/dev/null || echo not-loaded; complete -p git; "
        "COMP_WORDS=(git chec); COMP_CWORD=1; COMP_LINE='git chec'; COMP_POINT=8; "
        "__bootstrap_complete git chec git; "
        'echo "${COMPREPLY[*]}"; declare -F __git_main >/dev/null && echo loaded; exit 0',
        home,
        env,
    )
    lines = bash.stdout.splitlines()
    assert lines[0] == "not-loaded"  # nothing heavy at start-up
    assert lines[1] == "complete -o bashdefault -o default -o nospace -F __bootstrap_complete git"
    assert "checkout" in lines[2].split()
    assert lines[3] == "loaded"


def test_generated_files_parse_and_env_sh_is_posix(home: Path, profile: Path, stand_ins: Path) -> None:
    env = env_for(home, stand_ins)
    assert run_shell(profile, env).returncode == 0
    folder = home / ".config" / "bootstrap" / "shell"
    for binary, name in (("sh", "env.sh"), ("bash", "init.bash"), ("zsh", "init.zsh"), ("fish", "init.fish")):
        check = subprocess.run([need(binary), "-n", str(folder / name)], capture_output=True, text=True)
        assert check.returncode == 0, (name, check.stderr)
    for name in ("completions/bash/bootstrap",):
        assert subprocess.run(["bash", "-n", str(folder / name)]).returncode == 0
    assert subprocess.run(["zsh", "-n", str(folder / "completions/zsh/_bootstrap")]).returncode == 0
    assert subprocess.run(["fish", "-n", str(folder / "completions/fish/bootstrap.fish")]).returncode == 0
    # sourcing it twice changes nothing: PATH holds each folder once
    twice = subprocess.run(
        ["sh", "-c", '. "$1"; . "$1"; printf %s "$PATH"', "sh", str(folder / "env.sh")],
        capture_output=True,
        text=True,
        env=env,
    )
    entries = twice.stdout.split(":")
    assert entries[0] == str(home / ".local/bin") and entries.count(str(home / ".local/bin")) == 1


def test_run_again_changes_nothing_and_undo_restores_every_byte(home: Path, profile: Path, stand_ins: Path) -> None:
    env = env_for(home, stand_ins)
    (home / ".bashrc").write_bytes(b"# my bashrc\r\nexport FOO=1")  # CRLF, no final newline
    (home / ".zshrc").write_bytes(b'# >>> conda initialize >>>\n__conda_setup="$(conda)"\n# <<< conda initialize <<<\n')
    before = snapshot(home)
    assert run_shell(profile, env).returncode == 0
    bashrc = (home / ".bashrc").read_bytes()
    assert bashrc.startswith(b"# my bashrc\r\nexport FOO=1\n# >>> bootstrap shell >>>\n")
    assert bashrc.count(b"bootstrap shell") == 2  # one block: its two markers
    after = snapshot(home)
    again = run_shell(profile, env)
    assert "Nothing to change" in again.stdout
    assert snapshot(home) == after
    assert bootstrap("undo", "--yes", env=env).returncode == 0

    def mine(state: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
        return {k: v for k, v in state.items() if not k.startswith(".local")}

    assert mine(snapshot(home)) == mine(before)


def test_doctor_is_green_after_a_run_and_says_what_to_do_before(home: Path, profile: Path, stand_ins: Path) -> None:
    env = env_for(home, stand_ins)
    link_bootstrap(home)
    first = json.loads(bootstrap("doctor", "--json", "--only", "shell", "--profile", str(profile), env=env).stdout)
    found = {c["id"]: c for c in first["checks"]}
    assert found["shell.setup"]["status"] == "warning"
    assert found["shell.setup"]["fix"] == "bootstrap run --only shell"
    assert found["shell.completion.bash.git"]["status"] == "warning"
    assert run_shell(profile, env).returncode == 0
    doctor = bootstrap("doctor", "--json", "--only", "shell", "--profile", str(profile), env=env)
    assert doctor.returncode == 0, doctor.stdout
    checks = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}
    expected = {"shell.setup", "shell.path"} | {f"shell.completion.{s}.{c}" for s in SHELLS for c in FOUR}
    assert expected <= set(checks)
    for name in expected:
        assert checks[name]["status"] == "ok", checks[name]
    for shell in SHELLS:
        startup = checks[f"shell.startup.{shell}"]
        assert startup["status"] == "info" and f"ms to a new {shell}" in startup["summary"], startup
    assert str(home) not in doctor.stdout


def test_a_hand_edited_block_is_reported_and_repaired_only_after_the_diff_was_seen(
    home: Path, profile: Path, stand_ins: Path
) -> None:
    env = env_for(home, stand_ins)
    assert run_shell(profile, env).returncode == 0
    bashrc = home / ".bashrc"
    damaged = b"alias k=kubectl\n" + bashrc.read_bytes().replace(b"# <<< bootstrap shell <<<\n", b"") + b"# mine\n"
    bashrc.write_bytes(damaged)
    doctor = json.loads(bootstrap("doctor", "--json", "--only", "shell", "--profile", str(profile), env=env).stdout)
    setup = next(c for c in doctor["checks"] if c["id"] == "shell.setup")
    assert setup["status"] == "warning" and "edited by hand" in setup["summary"]
    assert "bootstrap plan --only shell" in setup["fix"]
    plan = bootstrap("plan", "--only", "shell", "--profile", str(profile), env=env)
    assert "+# <<< bootstrap shell <<<" in plan.stdout  # the repair, as a diff
    blind = run_shell(profile, env)
    assert blind.returncode == 1 and "in a terminal" in blind.stdout
    assert bashrc.read_bytes() == damaged  # nobody saw the diff: nothing touched

    from bootstrap.engine import runs
    from bootstrap.system.context import from_environment

    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        ctx = from_environment(interactive=True)  # a terminal: run shows the plan and asks first
        prepared = runs.prepare(ctx, profile=str(profile), answers_file=None, only="shell")
        result = runs.run(ctx, prepared, ["run"], confirm=lambda plans: True, on_step=lambda step, state: None)
    assert result.outcome is not None and result.outcome.ok, result.outcome
    text = bashrc.read_text()
    assert text.startswith("alias k=kubectl\n") and "# mine\n" in text
    assert text.count("# >>> bootstrap shell >>>") == 1 and text.count("# <<< bootstrap shell <<<") == 1
    assert files.block_body(text, "shell") is not None


def test_ensure_path_then_a_run_leave_one_block(home: Path, profile: Path, stand_ins: Path) -> None:
    env = env_for(home, stand_ins)
    legacy = (
        "# my profile\n# >>> bootstrap path >>>\n"
        'case ":${PATH}:" in *":$HOME/.local/bin:"*) ;; *) PATH="$HOME/.local/bin:$PATH"; export PATH ;; esac\n'
        "# <<< bootstrap path <<<\n"
    )
    (home / ".profile").write_text(legacy)
    run = run_shell(profile, env)
    assert run.returncode == 0, run.stdout
    text = (home / ".profile").read_text()
    assert "bootstrap path" not in text and text.count("# >>> bootstrap shell >>>") == 1
    (home / ".profile").write_text("# my profile\n")
    assert bootstrap("undo", "--yes", "--force", env=env).returncode == 0
    assert (home / ".profile").read_text() == legacy  # undo brings back exactly what was there

    (home / ".profile").write_text("# my profile\n")
    ensured = bootstrap("ensure-path", env=env)
    assert ensured.returncode == 0, ensured.stderr
    assert "on your PATH in ~/.profile" in ensured.stdout
    assert (home / ".profile").read_text().count("# >>> bootstrap shell >>>") == 1
    assert "already on your PATH" in bootstrap("ensure-path", env=env).stdout
    assert run_shell(profile, env).returncode == 0
    assert (home / ".profile").read_text().count("bootstrap shell") == 2  # still one block


def test_fish_login_shell_old_path_snippet_is_taken_over(home: Path, profile: Path, stand_ins: Path) -> None:
    from bootstrap.components.shell.path import LEGACY_FISH_TEXT

    env = env_for(home, stand_ins)
    old = home / ".config" / "fish" / "conf.d" / "bootstrap-path.fish"
    old.parent.mkdir(parents=True)
    old.write_text(LEGACY_FISH_TEXT)
    assert run_shell(profile, env).returncode == 0
    assert not old.exists()
    assert (old.parent / "bootstrap.fish").is_file()


def test_prompt_shows_the_git_branch_and_aws_profile_and_zsh_gets_its_plugins(
    tmp_path: Path, home: Path, stand_ins: Path
) -> None:
    need("git")
    profile = tmp_path / "nice.yaml"
    profile.write_text(
        "schema: 1\ncomponents:\n  shell:\n    shells: [bash, zsh]\n"
        "    prompt: true\n    highlighting: true\n    autosuggestions: true\n"
    )
    env = env_for(home, stand_ins, AWS_PROFILE="data-dev")
    assert run_shell(profile, env).returncode == 0
    repo = home / "project"
    subprocess.run(["git", "init", "-q", "-b", "feature/x", str(repo)], check=True)
    for shell in ("bash", "zsh"):
        shown = interactive(
            shell, '__bootstrap_prompt; printf "%s\\n" "$__bootstrap_where"; exit 0', home, env, cwd=repo
        )
        assert shown.stdout == " (feature/x) [aws:data-dev]\n", (shell, shown.stdout, shown.stderr)
    plugins = interactive("zsh", "print ${+ZSH_HIGHLIGHT_VERSION} ${+ZSH_AUTOSUGGEST_STRATEGY}", home, env)
    assert plugins.stdout.strip() == "1 1", plugins.stdout + plugins.stderr  # the Debian packages, installed by .ci/run


@pytest.mark.parametrize("shell", ["zsh", "fish", "sh"])
def test_ensure_path_for_other_login_shells(home: Path, shell: str) -> None:
    import dataclasses

    from bootstrap.components.shell.path import on_login_path
    from bootstrap.engine import runs
    from bootstrap.system.context import from_environment

    binary = need(shell)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", shell_env(home)["PATH"])
        ctx = dataclasses.replace(from_environment(interactive=False), login_shell=binary)
        assert not on_login_path(ctx, ctx.paths.user_bin)
        step = runs.ensure_path(ctx, ["ensure-path"])
        assert step is not None
        assert on_login_path(ctx, ctx.paths.user_bin)  # a fresh login shell of that kind says so
        assert runs.ensure_path(ctx, ["ensure-path"]) is None
    expected = {"zsh": ".zprofile", "fish": ".config/fish/conf.d/bootstrap.fish", "sh": ".profile"}[shell]
    assert step.summary == f"Put ~/.local/bin on your PATH in ~/{expected}"


def test_a_tool_the_profile_lists_gets_the_completion_it_prints(tmp_path: Path, home: Path, stand_ins: Path) -> None:
    uv = Path(sys.executable).parent / "uv"  # a test dependency: a real tool with `generate-shell-completion`
    if not uv.exists():
        uv = Path(need("uv"))
    (stand_ins / "uv").symlink_to(uv)
    profile = tmp_path / "uv.yaml"
    profile.write_text("schema: 1\ncomponents:\n  shell: {shells: [bash, zsh, fish], completions: [uv]}\n")
    env = env_for(home, stand_ins)
    assert run_shell(profile, env).returncode == 0
    folder = home / ".config" / "bootstrap" / "shell" / "completions"
    for shell, name in (("bash", "bash/uv"), ("zsh", "zsh/_uv"), ("fish", "fish/uv.fish")):
        printed = subprocess.run(
            [str(uv), "generate-shell-completion", shell], capture_output=True, text=True, check=True
        )
        assert (folder / name).read_text() == printed.stdout  # generated once, at run time
    assert "Nothing to change" in run_shell(profile, env).stdout  # kept until uv itself changes
    bash = interactive(
        "bash",
        'complete -p uv; COMP_WORDS=(uv pi); COMP_CWORD=1; COMP_LINE="uv pi"; COMP_POINT=5; '
        '__bootstrap_complete uv pi uv; echo "${COMPREPLY[*]}"; exit 0',
        home,
        env,
    )
    lines = bash.stdout.splitlines()
    assert lines[0] == "complete -o default -F __bootstrap_complete uv"
    assert "pip" in lines[1].split(), bash.stdout + bash.stderr
    zsh = interactive("zsh", "print -r -- $_comps[uv]", home, env)
    assert zsh.stdout.strip() == "_uv"
    fish = interactive("fish", 'complete -C"uv pi"', home, env)
    assert "pip" in [line.split("\t")[0] for line in fish.stdout.splitlines()], fish.stdout + fish.stderr
