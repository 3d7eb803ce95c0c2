"""TAB in a real interactive bash inside tmux: what a new hire sees on the screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support.shells import link_bootstrap, shell_env
from tests.support.tmux import Pane

PROFILE = "schema: 1\ncomponents:\n  git: {}\n  aws: {}\n  shell: {shells: [bash, zsh, fish]}\n"


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_tab_completes_bootstrap_git_and_aws_in_a_real_terminal(tmp_path: Path, home: Path, shell: str) -> None:
    need("git")
    profile = tmp_path / "team.yaml"
    profile.write_text(PROFILE)
    env = {**shell_env(home), "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    link_bootstrap(home)
    result = bootstrap("run", "--yes", "--only", "shell", "--profile", str(profile), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    screen = Pane(tmp_path / "tmux.sock", env, home, need(shell) + " -i", width=160, height=40)
    try:
        assert screen.type_and_tab("bootstrap doc", "bootstrap doctor").endswith("bootstrap doctor")
        assert screen.type_and_tab("bootstrap profile va", "bootstrap profile validate").endswith(
            "bootstrap profile validate"
        )
        assert screen.type_and_tab("bootstrap tofu us", "bootstrap tofu use").endswith("bootstrap tofu use")
        assert screen.type_and_tab("git rebas", "git rebase").endswith("git rebase")  # git's own script
        if shutil.which("aws_completer", path=env["PATH"]) or Path("/usr/libexec/aws_completer").exists():
            assert screen.type_and_tab("aws s3 l", "aws s3 ls").endswith("aws s3 ls")
    finally:
        screen.close()
