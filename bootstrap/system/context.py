"""Everything read from the machine, gathered once: nothing else looks at os.environ."""

from __future__ import annotations

import os
import platform as _platform
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from bootstrap.system.paths import Paths, user_paths
from bootstrap.system.proc import Runner

if TYPE_CHECKING:
    from rich.console import Console

    from bootstrap.profiles.prompts import TerminalPrompter
    from bootstrap.system.steps import Step

_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass(frozen=True)
class Platform:
    """The operating system as release sites and package managers name it."""

    os: str  # "linux" | "darwin"
    arch: str  # "amd64" | "arm64" | whatever the machine says
    distro: str = ""  # os-release ID: "debian", "ubuntu", "fedora"; "" on macOS
    distro_like: tuple[str, ...] = ()
    version: str = ""

    @property
    def family(self) -> str:
        """macos, debian (Debian, Ubuntu and friends), fedora (Fedora, RHEL), or the distro id."""
        if self.os == "darwin":
            return "macos"
        for name in (self.distro, *self.distro_like):
            if name in ("debian", "ubuntu"):
                return "debian"
            if name in ("fedora", "rhel", "centos"):
                return "fedora"
        return self.distro or self.os

    def describe(self) -> str:
        if self.os == "darwin":
            return f"macOS {self.version}".strip()
        return f"{self.distro or 'Linux'} {self.version}".strip()


def read_os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            values[key.strip()] = value.strip().strip("'\"")
    return values


def detect_platform() -> Platform:
    arch = _ARCH.get(_platform.machine().lower(), _platform.machine().lower())
    if sys.platform == "darwin":
        return Platform("darwin", arch, version=_platform.mac_ver()[0])
    release = read_os_release()
    return Platform(
        "linux",
        arch,
        distro=release.get("ID", ""),
        distro_like=tuple(release.get("ID_LIKE", "").split()),
        version=release.get("VERSION_ID", ""),
    )


def detect_login_shell(env: Mapping[str, str]) -> str:
    """The shell from the account database: $SHELL is often stale after `chsh`."""
    try:
        import pwd

        shell = pwd.getpwuid(os.getuid()).pw_shell
    except (ImportError, KeyError):
        shell = ""
    return shell or env.get("SHELL", "/bin/sh")


@dataclass
class Context:
    """What one invocation knows about the machine and how it talks to the user."""

    env: dict[str, str]
    home: Path
    platform: Platform
    login_shell: str
    paths: Paths
    runner: Runner
    interactive: bool
    offline: bool = False
    prompter: Optional[TerminalPrompter] = None  # set by `run` when it may ask; None: never ask
    answers: dict[str, Any] = field(default_factory=dict)  # the profile's answers, for dotfile templates
    held: list[Step] = field(default_factory=list)  # the profile's settings that wait for the person's trust
    # The CLI's click command, handed down by the CLI (which every other layer sits below): the
    # shell component writes bootstrap's own completion scripts from it. None: no CLI here.
    commands: Optional[Callable[[], Any]] = None
    _home_pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._home_pattern = re.compile(re.escape(str(self.home)) + r"(?=/|\b|$)")

    def tilde(self, text: object) -> str:
        """Show the home directory as ~ (people paste our messages into chat)."""
        return self._home_pattern.sub("~", str(text))

    def expand(self, path: str) -> Path:
        """A profile path: `~/x` is in this user's home; relative paths are too."""
        if path == "~" or path.startswith("~/"):
            return self.home / path[2:]
        candidate = Path(path)
        return candidate if candidate.is_absolute() else self.home / candidate

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        # soft_wrap: piped output keeps each message (and each path in it) on one line.
        # No markup and no emoji codes: we print what people and AWS wrote, and rich would turn
        # `[x]` into a style and the `:secret:` of a Secrets Manager ARN into an emoji.
        return Console(no_color="NO_COLOR" in self.env, highlight=False, soft_wrap=True, emoji=False, markup=False)

    @cached_property
    def err_console(self) -> Console:
        from rich.console import Console

        return Console(
            stderr=True, no_color="NO_COLOR" in self.env, highlight=False, soft_wrap=True, emoji=False, markup=False
        )


def from_environment(env: Optional[Mapping[str, str]] = None, interactive: Optional[bool] = None) -> Context:
    """Build the context from this process (the CLI's only caller)."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("HOME") or Path("~").expanduser())
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
    paths = user_paths(home)
    return Context(
        env=env,
        home=home,
        platform=detect_platform(),
        login_shell=detect_login_shell(env),
        paths=paths,
        runner=Runner(env, log_dir=paths.logs),
        interactive=interactive,
    )
