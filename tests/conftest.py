"""Every test gets a fake HOME; the real one is watched; CI fails on any skipped test."""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CLEARED_PREFIXES = ("XDG_", "GIT_", "AWS_", "TF_", "BOOTSTRAP_")
REAL_HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)
# What a stray write to the real home would touch; pip and pytest caches live elsewhere.
WATCHED = [
    ".gitconfig",
    ".config/git",
    ".config/bootstrap",
    ".local/state/bootstrap",
    ".local/share/bootstrap",
    ".profile",
    ".bashrc",
    ".zshrc",
    ".zprofile",
    ".bash_profile",
    ".local/bin/bootstrap",
    ".config/fish",
]


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every path under root with its mode and content hash (directories and links too)."""
    found: dict[str, tuple[int, str]] = {}
    if not root.exists():
        return found
    for path in sorted([root, *root.rglob("*")]):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        elif stat.S_ISLNK(info.st_mode):
            digest = "-> " + os.readlink(path)
        else:
            digest = ""
        found[str(path.relative_to(root))] = (stat.S_IMODE(info.st_mode) | stat.S_IFMT(info.st_mode), digest)
    return found


def _real_home_state() -> dict[str, object]:
    state: dict[str, object] = {}
    for name in WATCHED:
        path = REAL_HOME / name
        state[name] = snapshot(path) if path.is_dir() else (path.read_bytes() if path.is_file() else None)
    return state


_REAL_HOME_BEFORE = _real_home_state()


def _system_aws_first() -> Optional[str]:
    """A folder holding only the system's AWS CLI, when another `aws` comes first on PATH.

    A fresh Debian machine (CI) has one AWS CLI, /usr/bin/aws. A developer's PATH may put another
    first (a pyenv shim, pip's awscli v1 in a virtual environment), which bootstrap rightly
    refuses as too old for SSO sessions; the tests run with the machine a new hire has."""
    system = Path("/usr/bin/aws")
    first = shutil.which("aws")
    if not system.exists() or first is None or Path(first) == system:
        return None
    folder = Path(tempfile.mkdtemp(prefix="bootstrap-tests-aws-"))
    (folder / "aws").symlink_to(system)
    return str(folder)


_SYSTEM_AWS = _system_aws_first()
if _SYSTEM_AWS:  # for the whole session: module-scoped fixtures copy the environment early
    os.environ["PATH"] = f"{_SYSTEM_AWS}{os.pathsep}{os.environ['PATH']}"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty home for each test, with the environment a new laptop would have."""
    fake = tmp_path / "home"
    fake.mkdir()
    for name in list(os.environ):
        if name.startswith(CLEARED_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(fake))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")  # the machine's /etc/gitconfig is not the user's
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping in captured output
    monkeypatch.chdir(tmp_path)
    return fake


@pytest.fixture(autouse=True)
def real_home_untouched() -> object:
    yield None
    assert _real_home_state() == _REAL_HOME_BEFORE, f"a test changed the real home directory {REAL_HOME}"


def need(tool: str) -> str:
    """The tool's path; a missing tool skips locally and fails in CI, where it must be installed."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def bootstrap(
    *args: str,
    input: Optional[str] = None,
    env: Optional[dict[str, str]] = None,
    cwd: Optional[Path] = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process, as a user would run it (no TTY)."""
    trust_profile_file(args, {**os.environ, **(env or {})}, cwd)
    return subprocess.run(
        [sys.executable, "-m", "bootstrap", *args],
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


# Tests of a component give it a profile by path: trusting that file, as its author would with
# `bootstrap profile trust FILE`, keeps those tests about their component. A file with
# `commands:` is never trusted for them, and tests of trust itself opt out with the marker.
_auto_trust = True


@pytest.fixture(autouse=True)
def _trust_marker(request: pytest.FixtureRequest) -> Iterator[None]:
    global _auto_trust
    _auto_trust = request.node.get_closest_marker("untrusted_profiles") is None
    yield
    _auto_trust = True


def trust_profile_file(args: tuple[str, ...], env: dict[str, str], cwd: Optional[Path]) -> None:
    from unittest import mock

    from bootstrap.profiles import load as profiles
    from bootstrap.profiles import trust
    from bootstrap.system.paths import user_paths

    if not _auto_trust or "--profile" not in args or args.index("--profile") + 1 >= len(args) or "HOME" not in env:
        return
    ref = args[args.index("--profile") + 1]
    path = Path(env["HOME"]) / ref[2:] if ref.startswith("~/") else (cwd or Path.cwd()) / ref
    if not profiles.looks_like_path(ref) or not path.is_file():
        return
    source = trust.file_source(path, Path(env["HOME"]))
    if source.covered and not source.commands:
        with mock.patch.dict(os.environ, env):
            paths = user_paths(Path(env["HOME"]))
            try:
                profiles.load(str(path.resolve()), paths)
            except Exception:  # noqa: BLE001 - a profile that does not load is never trusted: it is bad input
                return
            if not trust.is_trusted(paths, source):
                trust.record(paths, source)


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped:
        sys.stderr.write(f"\nCI=true: {len(_skipped)} test(s) were skipped; every test must run in CI:\n")
        for nodeid in _skipped:
            sys.stderr.write(f"  {nodeid}\n")
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Figures measured by end-to-end tests go to the CI log, where people read them.
    module = sys.modules.get("tests.test_fresh_machine")
    figures: list[str] = getattr(module, "FIGURES", [])
    if figures:
        terminalreporter.write_sep("-", "fresh Debian machine: first-day run per role")
        for line in figures:
            terminalreporter.write_line(line)


# Fixtures of the secrets tests: a throw-away GnuPG home, fakes of op and bw
pytest_plugins = ["tests.support.secrets"]


@pytest.fixture(autouse=True)
def no_software_installs(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of whole roles leave the packages component out: it installs system software.

    Tests of that component (test_packages.py, test_roles.py) clear BOOTSTRAP_SKIP themselves.
    """
    monkeypatch.setenv("BOOTSTRAP_SKIP", "packages")


@pytest.fixture
def git_and_dotfiles_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests of the run engine through whole roles: the other components have tests of
    their own, and their doctor checks depend on this machine's aws and terraform."""
    monkeypatch.setenv("BOOTSTRAP_SKIP", "packages,shell,secrets,aws,terraform")
