"""The generated files read by real shells: quoting, PATH order, macOS folders with spaces."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bootstrap.components.shell import completions
from bootstrap.components.shell import initscripts as shellinit
from bootstrap.components.shell.initscripts import Setup
from tests.conftest import need

TRICKY = 'it\'s "$HOME" `x` \\n $(echo no) ~ é'


def _write(setup: Setup) -> None:
    setup.folder.mkdir(parents=True, exist_ok=True)
    setup.file("env.sh").write_text(shellinit.env_sh(setup))
    setup.file("init.bash").write_text(shellinit.init_bash(setup))
    setup.file("init.zsh").write_text(shellinit.init_zsh(setup))
    setup.file("init.fish").write_text(shellinit.init_fish(setup))


@pytest.fixture
def mac_like(tmp_path: Path, home: Path) -> Setup:
    """A macOS-shaped set-up: config under "Application Support", a Homebrew prefix that exists."""
    brew = tmp_path / "homebrew"
    (brew / "bin").mkdir(parents=True)
    (brew / "sbin").mkdir()
    setup = Setup(
        home=home,
        folder=home / "Library" / "Application Support" / "bootstrap" / "shell",
        path=(home / ".local" / "bin", home / "my tools"),
        brew_prefix=str(brew),
        env=(("TRICKY", TRICKY), ("DATA", "~/data"), ("HOME_ITSELF", "~")),
        aliases=(("say", "echo 'quoted' \"double\""),),
        tools=(completions.tool("git", [str(brew)]), completions.tool("aws", [])),
    )
    _write(setup)
    return setup


@pytest.mark.parametrize("shell", ["sh", "bash", "zsh"])
def test_posix_shells_read_values_literally_and_order_path(mac_like: Setup, home: Path, shell: str) -> None:
    binary = need(shell)
    script = '. "$1"; . "$1"; printf "%s\\n" "$PATH" "$TRICKY" "$DATA" "$HOME_ITSELF"'
    result = subprocess.run(
        [binary, "-c", script, shell, str(mac_like.file("env.sh"))],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    path, tricky, data, itself = result.stdout.split("\n")[:4]
    brew = mac_like.brew_prefix
    assert path.split(":") == [
        str(home / ".local/bin"),
        str(home / "my tools"),
        f"{brew}/bin",
        f"{brew}/sbin",
        "/usr/bin",
        "/bin",
    ]
    assert tricky == TRICKY and data == str(home / "data") and itself == str(home)


def test_fish_reads_the_same_values(mac_like: Setup, home: Path) -> None:
    binary = need("fish")
    result = subprocess.run(
        [
            binary,
            "--no-config",
            "-c",
            'source $argv[1]; source $argv[1]; string join \\n -- (string join : $PATH) "$TRICKY" "$DATA"',
            str(mac_like.file("init.fish")),
        ],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    path, tricky, data = result.stdout.rstrip("\n").split("\n")
    brew = mac_like.brew_prefix
    assert path.split(":") == [
        str(home / ".local/bin"),
        str(home / "my tools"),
        f"{brew}/bin",
        f"{brew}/sbin",
        "/usr/bin",
        "/bin",
    ]
    assert tricky == TRICKY and data == str(home / "data")


def test_interactive_bash_and_zsh_load_aliases_and_completion_from_a_folder_with_a_space(
    mac_like: Setup, home: Path
) -> None:
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "dumb"}
    (home / ".bashrc").write_text(shellinit.source_line(mac_like, mac_like.file("init.bash")) + "\n")
    (home / ".zshrc").write_text(shellinit.source_line(mac_like, mac_like.file("init.zsh")) + "\n")
    bash = subprocess.run(
        [need("bash"), "-i", "-c", "alias say; complete -p git; exit 0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
    )
    assert bash.stdout.splitlines() == [
        "alias say='echo '\\''quoted'\\'' \"double\"'",
        "complete -o bashdefault -o default -o nospace -F __bootstrap_complete git",
    ], bash.stderr
    zsh = subprocess.run(
        [need("zsh"), "-i", "-c", "alias say; print -r -- $_comps[bootstrap]"],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
    )
    assert zsh.stdout.splitlines() == ["say='echo '\\''quoted'\\'' \"double\"'", "_bootstrap"], zsh.stdout + zsh.stderr


def test_the_rc_line_reads_nothing_when_the_set_up_is_gone(tmp_path: Path, home: Path) -> None:
    setup = Setup(home=home, folder=home / "gone")
    line = shellinit.source_line(setup, setup.file("init.bash"))
    result = subprocess.run(
        [need("bash"), "-c", line + "; echo $?"], capture_output=True, text=True, env={"HOME": str(home)}
    )
    assert result.stdout == "0\n" and result.stderr == ""  # a synced rc file on a computer without bootstrap


def test_profile_line_gives_bash_the_interactive_set_up_and_sh_the_path(mac_like: Setup, home: Path) -> None:
    line = shellinit.profile_line(mac_like, mac_like.file("init.bash"), mac_like.file("env.sh"))
    profile = home / ".profile"
    profile.write_text(f"# mine\n{line}\n")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "dumb"}
    sh = subprocess.run(
        [need("sh"), "-c", '. "$HOME/.profile"; printf %s "$PATH"'], capture_output=True, text=True, env=env
    )
    assert sh.stdout.split(":")[0] == str(home / ".local/bin") and sh.stderr == ""
    # a macOS Terminal: an interactive login bash that reads ~/.profile and never ~/.bashrc
    bash = subprocess.run(
        [need("bash"), "--rcfile", str(profile), "-i", "-c", "complete -p git; exit 0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
    )
    assert bash.stdout == "complete -o bashdefault -o default -o nospace -F __bootstrap_complete git\n", bash.stderr
