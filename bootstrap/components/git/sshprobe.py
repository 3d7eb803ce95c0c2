"""Can this machine reach a git host over SSH? One probe per host, classified for people.

ssh exits 255 on its own errors and otherwise with the remote side's status, so any other
exit code means we logged in (GitHub answers `ssh -T` with 1 and "successfully
authenticated"). ssh's own error lines say why it failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bootstrap.components.git import sshkeys
from bootstrap.system.proc import NOT_FOUND, TIMED_OUT

if TYPE_CHECKING:
    from bootstrap.profiles.schema import GitHost
    from bootstrap.system.context import Context
    from bootstrap.system.proc import Result

Kind = Literal[
    "ok",
    "key-not-added",
    "host-key-unknown",
    "host-key-changed",
    "unreachable",
    "no-repo-access",
    "not-installed",
    "failed",
]
CONNECT_TIMEOUT = 8

_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("host-key-changed", re.compile(r"REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed")),
    ("host-key-unknown", re.compile(r"Host key verification failed|No \S+ host key is known")),
    ("key-not-added", re.compile(r"Permission denied \(publickey|Too many authentication failures")),
    (
        "unreachable",
        re.compile(
            r"Could not resolve hostname|Connection refused|Connection timed out|Operation timed out"
            r"|Network is unreachable|No route to host|Connection closed by|Connection reset"
            r"|kex_exchange_identification|Temporary failure in name resolution",
            re.IGNORECASE,
        ),
    ),
    (
        "no-repo-access",
        re.compile(
            r"Repository not found|does not appear to be a git repository|not found|access denied"
            r"|not authorized|You are not allowed|could not read from remote repository",
            re.IGNORECASE,
        ),
    ),
]


@dataclass(frozen=True)
class Probe:
    kind: Kind
    target: str  # what was tried: user@host:port, or a repository
    said: str  # the last line the program printed, for the details

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def classify(result: Result, logged_in_unless_255: bool) -> Kind:
    if result.returncode == NOT_FOUND:
        return "not-installed"
    if result.returncode == TIMED_OUT:
        return "unreachable"
    if result.ok or (logged_in_unless_255 and result.returncode != 255):
        return "ok"
    for kind, pattern in _PATTERNS:
        if pattern.search(result.stderr):
            return kind
    return "failed"


def _last_line(result: Result) -> str:
    said = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    return said[-1].strip() if said else ""


def probe(ctx: Context, host: GitHost) -> Probe:
    """`git ls-remote` of each configured repository (the real proof), else `ssh -T`."""
    if host.repos:
        env = {"GIT_SSH_COMMAND": sshkeys.git_ssh_command(ctx.paths, CONNECT_TIMEOUT), "GIT_TERMINAL_PROMPT": "0"}
        for repo in host.repos:
            result = ctx.runner.run(
                ["git", "ls-remote", "--heads", repo], env=env, timeout=CONNECT_TIMEOUT + 20, cwd=ctx.home
            )
            kind = classify(result, logged_in_unless_255=False)
            if kind != "ok":
                return Probe(kind, repo, _last_line(result))
        return Probe("ok", ", ".join(host.repos), "")
    target = f"{host.user}@{host.host}"
    argv = [
        "ssh",
        *sshkeys.config_argv(ctx.paths),
        *sshkeys.batch_options(CONNECT_TIMEOUT),
        "-T",
        "-p",
        str(host.port),
        target,
    ]
    result = ctx.runner.run(argv, timeout=CONNECT_TIMEOUT + 10)
    shown = target if host.port == 22 else f"{target}:{host.port}"
    return Probe(classify(result, logged_in_unless_255=True), shown, _last_line(result))
