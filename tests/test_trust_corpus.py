"""A corpus of ways an untrusted team profile could make a new hire's computer run a program.

Each vector is one line of data (VECTORS: settings that must wait for trust; REFUSED: values no
profile may hold). The waiting ones share one team profile, added with `profile add --yes` (which
never trusts) and applied with `run --yes`; then the home is used as a person would use it (a
repository created, committed to, its status, diff and log; git's aliases, credentials and ssh;
new interactive bash, zsh and fish; `secrets exec`; doctor), and no canary file may appear.
`plan` must name each vector as waiting. Package managers are stand-ins that record their
arguments (the tests run as root: nothing may really install). After `profile trust`, the
settings take effect, which shows the gate was what held them.
"""

from __future__ import annotations

import copy
import json
import os
import pty
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from tests.conftest import bootstrap, need
from tests.support.teams import TeamRepo

pytestmark = [pytest.mark.usefixtures("home"), pytest.mark.untrusted_profiles]

EVIL = "~/.evil"  # where files a setting points at are (the team could have put them anywhere)
UNUSED = "http://127.0.0.1:9"  # the team's download places; the test points them at a recording server


def touch(name: str) -> str:
    return f"touch $HOME/PWNED-{name}"


@dataclass(frozen=True)
class Vector:
    id: str
    at: tuple[str, ...]  # where in `components` the value goes (a list: appended)
    value: Any
    waits: str  # what plan says is waiting for trust
    after_trust: Optional[str] = None  # the canary it writes once trusted (proof that the gate held it)


def git(key: str, value: Any, after_trust: Optional[str] = None) -> Vector:
    return Vector(f"git {key}", ("git", "config", key), value, f"git setting {key}", after_trust)


VECTORS: list[Vector] = [
    git("Core.FSMonitor", f"{touch('fsmonitor')}; false"),  # git reads names case-insensitively (include.path's wins)
    git("core.sshCommand", f"{touch('sshcommand')}; false", "sshcommand"),
    git("CORE.pager", f"{touch('pager')}; cat"),
    git("core.hooksPath", f"{EVIL}/hooks", "hookspath"),
    git("core.editor", f"{touch('editor')}; false"),
    git("core.attributesFile", f"{EVIL}/attributes"),
    git("core.excludesFile", "~/.ssh/id_ed25519"),
    git("alias.st", f"!{touch('alias-bang')}", "alias-bang"),
    git("Alias.Lg", f"!{touch('alias-mixed')}", "alias-mixed"),
    git("filter.evil.clean", f"{touch('filter-clean')}; cat", "filter-clean"),
    git("filter.evil.smudge", f"{touch('filter-smudge')}; cat", "filter-smudge"),
    git("diff.evil.textconv", f"{touch('textconv')}; cat", "textconv"),
    git("credential.helper", f"!{touch('credential')}", "credential"),
    git("include.path", f"{EVIL}/include", "include"),
    git("includeIf.gitdir:~/.path", f"{EVIL}/include"),
    git("init.templateDir", f"{EVIL}/template"),
    git("url.ext::sh -c touch% $HOME/PWNED-insteadof% >&2.insteadOf", "https://github.com/"),
    git("gpg.program", f"{touch('gpg')}; false"),
    git("commit.gpgSign", True),
    git("sequence.editor", touch("sequence-editor")),
    Vector("shell alias", ("shell", "aliases", "ls"), f"{touch('alias-ls')}; command ls", "shell alias ls", "alias-ls"),
    Vector(
        "shell alias git", ("shell", "aliases", "git"), f"{touch('alias-git')}; git", "shell alias git", "alias-git"
    ),
    Vector("shell env", ("shell", "env", "BASH_ENV"), f"{EVIL}/bashenv", "shell variable BASH_ENV", "bashenv"),
    Vector("shell env prompt", ("shell", "env", "PROMPT_COMMAND"), touch("prompt"), "shell variable PROMPT_COMMAND"),
    Vector("shell env editor", ("shell", "env", "EDITOR"), touch("editor-env"), "shell variable EDITOR"),
    Vector("shell path", ("shell", "path"), f"{EVIL}/bin", f"folder on PATH {EVIL}/bin", "path-ls"),
    Vector(
        "dotfile zshenv",
        ("dotfiles",),
        {"template": "templates/evil.sh", "target": "~/.zshenv"},
        "file ~/.zshenv",
        "dotfile",
    ),
    Vector(
        "dotfile fish",
        ("dotfiles",),
        {"template": "templates/evil.sh", "target": "~/.config/fish/conf.d/evil.fish"},
        "file ~/.config/fish/conf.d/evil.fish",
    ),
    Vector(
        "dotfile hook",
        ("dotfiles",),
        {"template": "templates/evil.sh", "target": "~/.config/git/template/hooks/post-commit", "executable": True},
        "file ~/.config/git/template/hooks/post-commit",
    ),
    Vector(
        "dotfile built-in hook with the profile's name in it",
        ("dotfiles",),
        {"template": "pre-commit-hook", "target": f"{EVIL}/template/hooks/pre-commit", "executable": True},
        f"file {EVIL}/template/hooks/pre-commit",
    ),
    Vector("system package", ("packages", "system"), "jq", "system package jq"),
    Vector("Python tool", ("packages", "uv_tools"), {"name": "evil-tool"}, "Python tool evil-tool"),
    Vector("package index", ("packages", "index_url"), f"{UNUSED}/simple", "Python package index"),
    Vector("terraform mirror", ("terraform", "mirror"), f"{UNUSED}/tf", "Terraform mirror"),
    Vector("terraform verify", ("terraform", "verify"), False, "Terraform verify"),
    Vector("terraform keys", ("terraform", "keys"), "-----BEGIN PGP PUBLIC KEY BLOCK-----", "Terraform keys"),
    Vector("terragrunt api", ("terraform", "terragrunt", "api"), f"{UNUSED}/api", "Terragrunt api"),
    Vector("terragrunt mirror", ("terraform", "terragrunt", "mirror"), f"{UNUSED}/tg", "Terragrunt mirror"),
]

# the profile's name lands in files (a comment of the git hook above): quotes, $( ) and backticks stay text
NAME = f"acme $({touch('name')}) `{touch('name2')}` \"'"


@dataclass(frozen=True)
class Refused:
    id: str
    text: str  # the whole profile
    line: int
    words: str


def _profile(components: str) -> str:
    return f"schema: 1\ncomponents:\n{components}"


REFUSED: list[Refused] = [
    Refused(
        "aws output newline",
        _profile(
            f"  aws:\n    profiles:\n      dev:\n        output: \"json\\ncredential_process = sh -c '{touch('aws')}'\"\n"
        ),
        6,
        "holds a line break",
    ),
    Refused(
        "aws region newline",
        _profile('  aws:\n    profiles:\n      dev:\n        region: "eu\\r[x]"\n'),
        6,
        "'eu?[x]' should be an AWS region",
    ),
    Refused(
        "aws sso start_url newline",
        _profile(
            '  aws:\n    sso_sessions:\n      s:\n        start_url: "https://x\\ncredential_process = x"\n        region: eu-west-1\n'
        ),
        6,
        "'https://x?credential_process = x' should be a web address",
    ),
    Refused("profile name newline", f'schema: 1\nname: "x\\n{touch("name3")}"\n', 2, "holds a line break"),
    Refused(
        "package option",
        _profile("  packages:\n    system: ['-oAPT::Update::Pre-Invoke::=touch x']\n"),
        4,
        "not a package",
    ),
    Refused(
        "package url", _profile("  packages:\n    system: ['https://evil.example.com/x.deb']\n"), 4, "not a package"
    ),
    Refused("package path", _profile("  packages:\n    system: ['./evil.deb']\n"), 4, "not a package"),
    Refused(
        "uv tool vcs",
        _profile("  packages:\n    uv_tools: [{name: 'git+https://evil.example.com/x'}]\n"),
        4,
        "not a package",
    ),
    Refused(
        "uv tool option", _profile("  packages:\n    uv_tools: [{name: '--index-url=http://x'}]\n"), 4, "not a package"
    ),
    *[
        Refused(
            f"secret {name}",
            _profile(f"  secrets:\n    env:\n      {name}: pass://a/b\n"),
            5,
            "changes how programs start",
        )
        for name in ("LD_PRELOAD", "BASH_ENV", "ENV", "PYTHONSTARTUP", "GIT_SSH_COMMAND", "PROMPT_COMMAND")
    ],
    Refused(
        "template outside",
        _profile("  dotfiles:\n    - template: ~/.ssh/id_ed25519\n      target: ~/.config/leak\n"),
        4,
        "is outside the repository",
    ),
    Refused(
        "git newline",
        _profile('  git:\n    config:\n      user.name: "a\\n[core]\\nfsmonitor = x"\n'),
        5,
        "holds a line break",
    ),
    Refused("alias newline", _profile('  shell:\n    aliases:\n      ll: "ls\\ntouch x"\n'), 5, "holds a line break"),
]


@contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A web server that writes down every request it gets (and has nothing to give)."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_error(404)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def profile_text() -> str:
    components: dict[str, Any] = {}
    for vector in VECTORS:
        here = components
        for part in vector.at[:-1]:
            here = here.setdefault(part, {})
        last = vector.at[-1]
        if last in ("dotfiles", "path", "system", "uv_tools"):
            here.setdefault(last, []).append(copy.deepcopy(vector.value))
        else:
            here[last] = vector.value
    components["terraform"]["version"] = "1.5.7"
    # inert, applied without trust: botocore reads what it wrote, and must find nothing to run
    components["aws"] = {"min_version": "1.0", "profiles": {"dev": {"region": "eu-west-1", "output": "json"}}}
    return yaml.safe_dump({"schema": 1, "name": NAME, "components": components}, sort_keys=False)


@dataclass
class Machine:
    home: Path
    work: Path
    log: Path
    server: tuple[str, list[str]]
    env: dict[str, str] = field(default_factory=dict)


def attacker_files(home: Path) -> None:
    """What the settings above point at: every one of them would write a canary if it ran."""
    evil = home / ".evil"
    for folder in ("hooks", "template/hooks", "bin"):
        (evil / folder).mkdir(parents=True, exist_ok=True)
    scripts = {
        "hooks/pre-commit": touch("hookspath"),
        "template/hooks/post-checkout": touch("templatedir"),
        "bin/ls": touch("path-ls"),
        "bin/git": touch("path-git"),
        "bashenv": touch("bashenv"),
    }
    for name, body in scripts.items():
        (evil / name).write_text(f"#!/bin/sh\n{body}\n")
        (evil / name).chmod(0o755)
    (evil / "include").write_text(f"[core]\n\tfsmonitor = {touch('include')}; false\n")
    (evil / "attributes").write_text("* filter=evil diff=evil\n")


def standins(root: Path) -> tuple[Path, Path]:
    """Package managers that only write down how they were called."""
    folder, log = root / "standins", root / "standins.log"
    folder.mkdir()
    for name in ("apt-get", "apt", "dpkg", "dpkg-query", "dnf", "brew", "uv", "pipx", "sudo"):
        path = folder / name
        path.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\nexit 0\n')
        path.chmod(0o755)
    return folder, log


def on_a_terminal(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Run with its output on a terminal, as git's pager needs."""
    main, sub = pty.openpty()
    try:
        subprocess.run(argv, cwd=cwd, env=env, stdin=sub, stdout=sub, stderr=sub, timeout=30, check=False)
    finally:
        os.close(sub)
        os.close(main)


def exercise(machine: Machine, name: str) -> None:
    """A normal day: a new repository, commits, status, diff, log, aliases, credentials, ssh; new shells."""
    # PAGER: git's own default would wait for keys; a core.pager setting still comes first
    env = {**machine.env, "GIT_CONFIG_NOSYSTEM": "1", "PAGER": "cat"}
    env.pop("GIT_EDITOR", None)
    env.pop("EDITOR", None)
    repo = machine.work / name
    repo.mkdir()

    def run(*argv: str, stdin: Optional[str] = None) -> None:
        subprocess.run(
            list(argv), cwd=repo, env=env, input=stdin, capture_output=True, text=True, timeout=30, check=False
        )

    run("git", "init", "-q")
    (repo / "a.txt").write_text("one\n")
    run("git", "add", "a.txt")
    run("git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", "first")
    (repo / "a.txt").write_text("two\n")
    run("git", "status")
    run("git", "diff")
    on_a_terminal(["git", "log", "-p"], repo, env)
    run("git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-qa")  # the editor
    run("git", "st")
    run("git", "lg")
    run("git", "credential", "fill", stdin="protocol=https\nhost=example.com\n\n")
    run("git", "ls-remote", "ssh://git@127.0.0.1:9/x.git")
    run("git", "ls-remote", "https://github.com/acme/x.git")
    run("git", "clone", "-q", str(repo), str(repo) + "-clone")
    shells = {
        "bash": ["bash", "-ic", "ls >/dev/null; git --version; bash -c true; echo $EDITOR"],
        "zsh": ["zsh", "-ic", "ls >/dev/null; git --version"],
        "fish": ["fish", "-ic", "ls >/dev/null; git --version"],
    }
    for argv in shells.values():
        run(*argv)
    # an AWS SDK resolving credentials reads ~/.aws/config as written (credential_process would run)
    sdk = "import botocore.session as s\ntry: s.Session(profile='dev').get_credentials()\nexcept Exception: pass"
    run(sys.executable, "-c", sdk)


def canaries(*roots: Path) -> list[str]:
    return sorted({p.name for root in roots for p in root.rglob("PWNED*")})


@pytest.fixture
def served() -> Iterator[tuple[str, list[str]]]:
    with recording_server() as found:
        yield found


def test_no_vector_of_an_untrusted_team_runs_anything(
    tmp_path: Path, home: Path, served: tuple[str, list[str]]
) -> None:
    for tool in ("git", "bash", "zsh", "fish"):
        need(tool)
    assert len(VECTORS) + len(REFUSED) >= 30
    folder, log = standins(tmp_path)
    env = {**os.environ, "HOME": str(home), "TERM": "dumb", "BOOTSTRAP_SKIP": "secrets"}
    env["PATH"] = f"{folder}{os.pathsep}{env['PATH']}"
    machine = Machine(home, tmp_path / "work", log, served, env)
    machine.work.mkdir()
    attacker_files(home)
    team = TeamRepo(tmp_path)
    server, asked = machine.server
    team.commit({"evil.yaml": profile_text().replace(UNUSED, server), "templates/evil.sh": f"{touch('dotfile')}\n"})
    assert bootstrap("profile", "add", team.url, "--name", "acme", "--yes", env=env).returncode == 0

    ran = bootstrap("run", "--profile", "acme/evil", "--yes", env=env)
    assert ran.returncode == 3, ran.stdout + ran.stderr
    assert ran.stdout.count("bootstrap profile trust acme") == 1, ran.stdout  # once, not once per setting
    gitconfig = (home / ".gitconfig").read_text() if (home / ".gitconfig").exists() else ""
    for vector in VECTORS:
        if vector.at[0] == "git":
            key = vector.at[-1]
            assert key.rsplit(".", 1)[-1].lower() not in gitconfig.lower(), vector.id
    assert not (home / ".zshenv").exists() and not (home / ".config" / "fish" / "conf.d" / "evil.fish").exists()

    assert "[profile dev]" in (home / ".aws" / "config").read_text()  # inert: applied without trust
    exercise(machine, "before")
    # the shims' fallback reads the gated profile: the team's mirrors and index are never asked
    for tool in ("terraform", "terragrunt"):
        bootstrap(tool, "exec", "--profile", "acme/evil", "--", "--version", env=env, timeout=60)
    assert asked == []
    secrets = bootstrap("secrets", "exec", "--profile", "acme/evil", "--", "sh", "-c", "echo ok", env=env)
    # whoami resolves every profile's credentials as written (nothing listens on the endpoint)
    bootstrap("aws", "whoami", env={**env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, timeout=120)
    doctor = bootstrap("doctor", "--json", "--profile", "acme/evil", env=env)
    assert canaries(home, tmp_path) == [], secrets.stdout + secrets.stderr
    waiting = [c for c in json.loads(doctor.stdout)["checks"] if c["id"] == "trust.settings"]
    assert len(waiting) == 1 and waiting[0]["fix"] == "bootstrap profile trust acme", doctor.stdout

    recorded = log.read_text() if log.exists() else ""
    for team_value in ("jq", "evil-tool", server):
        assert team_value not in recorded, recorded

    plan = bootstrap("plan", "--profile", "acme/evil", "--detailed-exitcode", env=env)
    assert plan.returncode == 2, plan.stdout + plan.stderr
    for vector in VECTORS:
        assert f"{vector.waits} (not trusted yet, so not applied)" in plan.stdout, vector.id

    # trusted, they take effect: the gate was what held them (the profile's name stays a comment)
    assert bootstrap("profile", "trust", "acme", "--yes", env=env).returncode == 0
    trusted = bootstrap("run", "--profile", "acme/evil", "--yes", "--skip", "packages,terraform", env=env)
    assert trusted.returncode in (0, 3), trusted.stdout + trusted.stderr
    assert "not trusted yet" not in bootstrap("plan", "--profile", "acme/evil", env=env).stdout
    exercise(machine, "after")
    bootstrap("terraform", "exec", "--profile", "acme/evil", "--", "--version", env=env, timeout=60)
    assert any(path.startswith("/tf") for path in asked), asked  # trusted, the team's mirror is used
    found = canaries(home, tmp_path)
    for vector in VECTORS:
        if vector.after_trust:
            assert f"PWNED-{vector.after_trust}" in found, (vector.id, " ".join(found))
    # the built-in hook holding the profile's name runs (core.hooksPath would hide it from commits)
    hook = home / ".evil" / "template" / "hooks" / "pre-commit"
    assert NAME in hook.read_text()
    ran_hook = subprocess.run([str(hook)], cwd=machine.work / "after", env=env, capture_output=True, timeout=30)
    assert ran_hook.returncode == 0, ran_hook.stderr
    found = canaries(home, tmp_path)
    assert "PWNED-name" not in found and "PWNED-name2" not in found


def test_no_refused_value_writes_anything(tmp_path: Path, home: Path) -> None:
    need("git")
    team = TeamRepo(tmp_path)
    team.commit({f"bad{n}.yaml": vector.text for n, vector in enumerate(REFUSED)})
    assert bootstrap("profile", "add", team.url, "--name", "acme", "--yes").returncode == 0
    env = {**os.environ, "BOOTSTRAP_SKIP": "packages,secrets,terraform"}
    for n, vector in enumerate(REFUSED):
        checked = bootstrap("profile", "validate", str(team.work / f"bad{n}.yaml"))
        said = checked.stdout + checked.stderr
        assert checked.returncode == 2 and f"bad{n}.yaml:{vector.line}:" in said and vector.words in said, (
            vector.id,
            said,
        )
        ran = bootstrap("run", "--profile", f"acme/bad{n}", "--yes", env=env)
        error = ran.stderr.strip().splitlines()
        assert ran.returncode == 2 and len(error) == 1 and f"bad{n}.yaml:{vector.line}:" in error[0], (
            vector.id,
            ran.stderr,
        )
        assert not (home / ".aws").exists() and not (home / ".gitconfig").exists(), vector.id
    assert canaries(home, tmp_path) == []
