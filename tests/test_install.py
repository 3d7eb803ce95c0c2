"""install.sh for real: a fake home, a real virtual environment, the installed copy run through its link.

The pip install is slow, so one module-wide install in its own fake home is shared by the tests
below, in file order: install, re-install, install from an edited copy, install and run,
uninstall without a terminal, then install again and uninstall on a terminal, undoing each run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from bootstrap import __version__
from bootstrap.system.context import detect_platform
from tests.conftest import CLEARED_PREFIXES, REAL_HOME, REPO, need
from tests.support.terminal import Pane, last_instruction

INSTALL = REPO / "install.sh"
BUILTIN = {"analyst", "base", "data-engineer", "data-scientist"}
NO_PYTHON_HINT = {
    "macos": "brew install python@3.12",
    "debian": "sudo apt-get install python3 python3-venv",
    "fedora": "sudo dnf install python3",
}
ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"


def data_dir(home: Path) -> Path:
    """platformdirs' user_data_dir("bootstrap") for this home, with no XDG_* set."""
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "bootstrap"
    return home / ".local" / "share" / "bootstrap"


def user_pip_config() -> Optional[Path]:
    """The real user's pip settings (mirrors, wheel folders), which a fake HOME would hide."""
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or REAL_HOME / ".config")
    candidates = [
        config_home / "pip" / "pip.conf",
        REAL_HOME / ".pip" / "pip.conf",
        REAL_HOME / "Library" / "Application Support" / "pip" / "pip.conf",
    ]
    return next((path for path in candidates if path.is_file()), None)


def fake_env(home: Path) -> dict[str, str]:
    """This process's environment with HOME replaced and nothing of the user's bootstrap, git or XDG."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(CLEARED_PREFIXES)}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1", COLUMNS="200")
    env["BOOTSTRAP_SKIP"] = "packages"  # as in every test (conftest): runs here must not install software
    pip_config = user_pip_config()
    if pip_config is not None and "PIP_CONFIG_FILE" not in env:
        env["PIP_CONFIG_FILE"] = str(pip_config)
    return env


def sh(
    script: Path, *args: str, env: dict[str, str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`sh install.sh ARGS` without a terminal."""
    return subprocess.run(
        ["sh", str(script), *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def run(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def copy_work_tree(destination: Path) -> Path:
    """The checkout as git sees it (tracked and new files, not ignored ones), without .git or .venv."""
    git = need("git")
    listed = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet staged is still listed
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


# --- quick checks: no install ---------------------------------------------------------------


def test_shellcheck_finds_nothing() -> None:
    result = subprocess.run([need("shellcheck"), str(INSTALL)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_explains_the_options(tmp_path: Path) -> None:
    result = sh(INSTALL, "--help", env=dict(os.environ), cwd=tmp_path)
    assert result.returncode == 0, output(result)
    for text in ("--no-run", "--uninstall", "--help", "bootstrap run", "--profile", "--answers", "--yes"):
        assert text in result.stdout
    assert "~/.local/bin/bootstrap" in result.stdout


def test_without_python_it_says_how_to_get_one(tmp_path: Path, home: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "uname", "cat", "dirname", "sed", "mkdir", "rm", "ln", "readlink", "id"):
        found = shutil.which(tool)
        if found is not None:
            (bin_dir / tool).symlink_to(found)
    result = subprocess.run(
        [str(bin_dir / "sh"), str(INSTALL), "--no-run"],
        env={"HOME": str(home), "PATH": str(bin_dir)},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, output(result)
    assert "needs Python 3.9 or newer" in result.stderr
    family = detect_platform().family
    hints = [NO_PYTHON_HINT[family]] if family in NO_PYTHON_HINT else list(NO_PYTHON_HINT.values())
    for hint in hints:
        assert hint in result.stderr
    assert not data_dir(home).exists()


def test_a_file_in_the_way_of_the_link_is_left_alone(tmp_path: Path, home: Path) -> None:
    mine = home / ".local" / "bin" / "bootstrap"
    mine.parent.mkdir(parents=True)
    mine.write_text("#!/bin/sh\necho mine\n")
    result = sh(INSTALL, "--no-run", env=dict(os.environ), cwd=tmp_path)
    assert result.returncode == 1, output(result)
    assert "~/.local/bin/bootstrap already exists and is not a link made by install.sh" in result.stderr
    assert "mv ~/.local/bin/bootstrap ~/.local/bin/bootstrap.old" in result.stderr
    assert mine.read_text() == "#!/bin/sh\necho mine\n"
    assert not data_dir(home).exists()  # refused before the slow part


@pytest.mark.parametrize(
    ("args", "says"),
    [(["--uninstall", "--yes"], "--uninstall takes no other options"), (["--no-run", "--yes"], "which --no-run skips")],
)
def test_options_that_contradict_each_other(tmp_path: Path, args: list[str], says: str) -> None:
    result = sh(INSTALL, *args, env=dict(os.environ), cwd=tmp_path)
    assert result.returncode == 1
    assert says in result.stderr
    assert result.stderr.count("\n") == 1  # one line
    assert result.stdout == ""


# --- one real install, shared ---------------------------------------------------------------


@dataclass
class Installed:
    root: Path
    home: Path
    env: dict[str, str]
    first: subprocess.CompletedProcess[str]

    @property
    def venv(self) -> Path:
        return data_dir(self.home) / "venv"

    @property
    def link(self) -> Path:
        return self.home / ".local" / "bin" / "bootstrap"

    def bootstrap(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The installed command, through the link, as the user types it."""
        return run([str(self.link), *args], self.env, self.root)

    def python(self, code: str) -> str:
        result = run([str(self.venv / "bin" / "python"), "-c", code], self.env, self.root)
        assert result.returncode == 0, output(result)
        return result.stdout.strip()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("install")
    home = root / "home"
    home.mkdir()
    env = fake_env(home)
    first = sh(INSTALL, "--no-run", env=env, cwd=root)
    assert first.returncode == 0, output(first)
    return Installed(root, home, env, first)


@pytest.mark.slow
def test_install_makes_an_environment_and_a_link_that_runs(installed: Installed) -> None:
    said = output(installed.first)
    shown = "~/Library/Application Support" if sys.platform == "darwin" else "~/.local/share"
    assert f"Installing bootstrap into {shown}/bootstrap/venv ..." in said
    assert str(installed.home) not in said  # the home is always shown as ~
    # this process's PATH has no ~/.local/bin: the command is named so that it works here
    assert installed.first.stdout.rstrip().splitlines()[-1] == "Done. Run: ~/.local/bin/bootstrap"

    assert (installed.venv / "pyvenv.cfg").is_file()
    assert installed.link.is_symlink()
    assert os.readlink(installed.link) == str(installed.venv / "bin" / "bootstrap")
    version = installed.bootstrap("--version")
    assert version.returncode == 0, output(version)
    assert version.stdout.strip() == f"bootstrap {__version__}"

    # the tool itself (platformdirs) agrees on where its environment lives
    tool_venv = installed.python("from bootstrap.system.context import from_environment; print(from_environment().paths.venv)")
    assert tool_venv == str(installed.venv)
    # a real install, not a link back to this checkout
    package = Path(installed.python("import bootstrap; print(bootstrap.__file__)"))
    assert installed.venv in package.parents
    # and a fresh login shell finds ~/.local/bin
    on_path = installed.python(
        "from bootstrap.system.context import from_environment; from bootstrap.components.shell.path import on_login_path; "
        "ctx = from_environment(); print(on_login_path(ctx, ctx.paths.user_bin))"
    )
    assert on_path == "True", said


@pytest.mark.slow
def test_the_installed_copy_ships_the_builtin_profiles(installed: Installed) -> None:
    listed = installed.bootstrap("profile", "list")
    assert listed.returncode == 0, output(listed)
    builtin = {line.split()[0] for line in listed.stdout.splitlines() if line.split()[1:2] == ["built-in"]}
    assert builtin == BUILTIN, listed.stdout


@pytest.mark.slow
def test_running_it_again_updates_in_place(installed: Installed) -> None:
    marker = installed.venv / "kept-by-an-update"
    marker.write_text("")
    again = sh(INSTALL, "--no-run", env=installed.env, cwd=installed.root)
    assert again.returncode == 0, output(again)
    assert f"Updating {__version__} in" in again.stdout
    assert "already on your PATH" in again.stdout
    assert marker.exists()  # the same environment, not a new one
    assert installed.bootstrap("--version").stdout.strip() == f"bootstrap {__version__}"


@pytest.mark.slow
def test_changed_source_is_installed(installed: Installed, tmp_path: Path) -> None:
    copy = copy_work_tree(tmp_path / "checkout")
    init = copy / "bootstrap" / "__init__.py"
    original = init.read_text()

    # the same version number with different code: pip must still install the new code
    init.write_text(original + "\nEDITED = 'same version, new code'\n")
    same = sh(copy / "install.sh", "--no-run", env=installed.env, cwd=tmp_path)
    assert same.returncode == 0, output(same)
    assert installed.python("import bootstrap; print(bootstrap.EDITED)") == "same version, new code"

    # a new version number
    init.write_text(original.replace(f'__version__ = "{__version__}"', '__version__ = "99.0.0"'))
    newer = sh(copy / "install.sh", "--no-run", env=installed.env, cwd=tmp_path)
    assert newer.returncode == 0, output(newer)
    assert installed.bootstrap("--version").stdout.strip() == "bootstrap 99.0.0"
    assert installed.python("import bootstrap; print(hasattr(bootstrap, 'EDITED'))") == "False"


@pytest.mark.slow
def test_other_options_go_to_bootstrap_run(installed: Installed) -> None:
    need("git")
    answers = installed.root / "answers.yaml"
    answers.write_text(ANSWERS)
    result = sh(INSTALL, "--yes", "--profile", "base", "--answers", str(answers), env=installed.env, cwd=installed.root)
    assert result.returncode == 0, output(result)
    assert f"Starting the first-day setup: bootstrap run --yes --profile base --answers {answers}" in result.stdout
    email = run(["git", "config", "--global", "user.email"], installed.env, installed.root)
    assert email.stdout.strip() == "ada@example.com"
    # this checkout's code again, after the edited copy
    assert installed.bootstrap("--version").stdout.strip() == f"bootstrap {__version__}"


@pytest.mark.slow
def test_the_last_instruction_works_when_typed_into_the_same_terminal(installed: Installed, tmp_path: Path) -> None:
    need("git")
    answers = installed.root / "answers.yaml"
    answers.write_text(ANSWERS)
    bindir = installed.home / ".local" / "bin"
    # a terminal opened before install.sh: its PATH has no ~/.local/bin, and keeps it that way
    path = os.pathsep.join(p for p in installed.env["PATH"].split(os.pathsep) if p and ".local/bin" not in p)
    env = {**installed.env, "PATH": path, "TERM": "xterm-256color"}
    env.pop("COLUMNS", None)
    # The shell component's checks start interactive shells that take the terminal's foreground
    # from doctor (it is then stopped: exit 149); that is the shell checks' own problem, not PATH's.
    env["BOOTSTRAP_SKIP"] = "packages,shell"
    pane = Pane(tmp_path / "tmux.sock", env, installed.root)
    try:
        printed, code = pane.type(f"sh {INSTALL} --yes --profile base --answers {answers}")
        assert code == 0, printed
        assert "open a new terminal" not in printed  # one consistent story about PATH
        assert "here type `~/.local/bin/bootstrap`" in printed
        command = last_instruction(printed)
        assert command == "~/.local/bin/bootstrap doctor", printed
        said, code = pane.type(command)
        assert code in (0, 1) and "command not found" not in said, said  # doctor ran: 1 is a finding
        assert "git       5 checks fine" in said, said  # its checks, on the screen

        # a terminal whose PATH has ~/.local/bin (a new one): the plain command, and it works
        pane.type(f'export PATH="{bindir}:$PATH"')
        printed, code = pane.type(f"sh {INSTALL} --yes --profile base --answers {answers}")
        assert code == 0, printed
        assert "type `bootstrap` to run it" in printed
        command = last_instruction(printed)
        assert command == "bootstrap doctor", printed
        said, code = pane.type(command)
        assert code in (0, 1) and "command not found" not in said, said
        assert "git       5 checks fine" in said, said
    finally:
        pane.close()


@pytest.mark.slow
def test_uninstall_without_a_terminal_removes_the_environment_and_the_link(installed: Installed) -> None:
    result = sh(INSTALL, "--uninstall", env=installed.env, cwd=installed.root)
    assert result.returncode == 0, output(result)
    said = result.stdout
    assert "can be undone" in said  # the hint, since there is nobody to ask
    assert "./install.sh --no-run, then bootstrap undo" in said
    assert not installed.venv.exists()
    assert not installed.link.exists()
    assert not installed.link.is_symlink()
    assert installed.link.parent.is_dir()  # ~/.local/bin itself stays
    # what stays is named, with the command that removes it
    assert "rm -rf " in said
    assert str(installed.home) not in said
    state = installed.home / ".local" / "state" / "bootstrap"
    if sys.platform != "darwin":
        assert state.is_dir()
        assert "~/.local/state/bootstrap" in said
    # nothing was undone
    email = run(["git", "config", "--global", "user.email"], installed.env, installed.root)
    assert email.stdout.strip() in ("ada@example.com", "")


@pytest.mark.slow
def test_uninstall_on_a_terminal_offers_to_undo_each_run(installed: Installed) -> None:
    pexpect = pytest.importorskip("pexpect")
    again = sh(INSTALL, "--no-run", env=installed.env, cwd=installed.root)
    assert again.returncode == 0, output(again)

    child = pexpect.spawn(
        "sh", [str(INSTALL), "--uninstall"], env=installed.env, cwd=str(installed.root), encoding="utf-8", timeout=120
    )
    undone = 0
    while child.expect([r"Undo the most recent run before uninstalling\? \[y/N\] ", "has been put back"]) == 0:
        child.sendline("y")
        undone += 1
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert undone >= 1  # at least the run that put ~/.local/bin on PATH

    assert not installed.venv.exists()
    assert not installed.link.is_symlink()
    email = run(["git", "config", "--global", "user.email"], installed.env, installed.root)
    assert email.stdout.strip() == ""
    for name in (".profile", ".bash_profile", ".zprofile"):
        login = installed.home / name
        assert not login.exists() or ".local/bin" not in login.read_text()
