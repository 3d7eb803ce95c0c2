"""The first day on the laptops people actually get, typed at a real terminal.

A fresh Debian as IT hands it over: git, the AWS CLI and a Terraform already installed, Python
packages only from the company's own index (a local folder here). Two people:

- `laptop`: no administrator rights (sudo refuses them) and no route out of the machine (a
  network namespace with loopback only). Everything that needs no one else must install and
  work; what needs an administrator is one list with the command to hand to IT; the run exits
  3; the Terraform that was there still runs; doctor shows no errors.
- `newhire`: sudo without a password and the network, as the plain fresh-machine test: the
  same interactive run installs everything and exits 0.

Run alone with `scripts/test -m fresh_machine`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support import fresh_machine, tfmirror, tmux
from tests.support.fresh_machine import Machine

pytestmark = [pytest.mark.fresh_machine, pytest.mark.slow]

LAPTOP = "laptop"
EMAIL = "lee.laptop@example.com"
# The Python tools the built-in data-engineer role installs, and what bootstrap itself needs:
# the company index (a folder here) serves exactly these.
WHEELS = ("hatchling", "uv", "pre-commit", "sqlfluff==3.2.5")
# What a person answers, question by question (the run asks only what its profile needs).
# What doctor warns about on that laptop: what waits on IT (jq, and the account that cannot
# install it), and Docker, which the data-engineer role checks for and a laptop may lack.
EXPECTED_WARNINGS = ["packages.docker", "packages.jq", "packages.manager"]
ANSWERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Your full name", ("Lee Laptop", "Enter")),
    ("Your work email", (EMAIL, "Enter")),
    ("Kubernetes", ("n",)),
    ("AWS sign-in page", ("Enter",)),
    ("region of that sign-in page", ("Enter",)),
    ("12-digit number", ("Enter",)),
    ("name of your access", ("Enter",)),
    ("Make these changes", ("y",)),
    ("Sign in to AWS now", ("n",)),
)


@pytest.fixture(scope="module")
def caches() -> Path:
    path = fresh_machine.downloads()
    _wheelhouse(path / "wheels")
    return path


def _requirements() -> list[str]:
    import tomllib  # the tests run on 3.11+; bootstrap itself reads no TOML

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *WHEELS]


def _wheelhouse(folder: Path) -> None:
    """The company's package index: wheels for bootstrap and the role's tools, downloaded once."""
    wanted = "\n".join(sorted(_requirements())) + "\n"
    stamp = folder / "requirements.txt"
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "wanted.txt"
    spec.write_text(wanted)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "-d", str(folder), "-r", str(spec)],
        check=True,
        timeout=1200,
    )
    stamp.write_text(wanted)


def _it_image(machine: Machine) -> None:
    """What IT installed before handing the laptop over, and the company's package index."""
    terraform = tfmirror.real_binary("1.0.3")
    target = machine.root / "usr/local/bin/terraform"
    target.write_bytes(terraform.read_bytes())
    target.chmod(0o755)
    installed = machine.as_root("apt-get install -y -qq --no-install-recommends git awscli >/dev/null")
    assert installed.returncode == 0, installed.stderr
    # no shared download caches here: the laptop's account is not the one other tests use, and a
    # cache folder it creates would be closed to them (everything comes from the local index anyway)
    (machine.root / "etc/pip.conf").write_text("[global]\nno-index = true\nfind-links = /var/cache/test-wheels\n")
    (machine.root / "etc/uv/uv.toml").write_text('no-index = true\nfind-links = ["/var/cache/test-wheels"]\n')
    made = machine.as_root(f"useradd --create-home --shell /bin/bash {LAPTOP}")  # no sudo rights
    assert made.returncode == 0, made.stderr
    assert made.returncode == 0, made.stderr


def _first_day(machine: Machine, socket: Path) -> tuple[int, str]:
    """./install.sh in an 80x24 terminal, each question answered when it is on the screen."""
    terminal = machine.terminal("cd ~/bootstrap && ./install.sh --profile data-engineer", socket)
    answered = dict.fromkeys((q for q, _ in ANSWERS), 0)
    deadline = time.monotonic() + 1200
    try:
        while time.monotonic() < deadline:
            history = terminal.history()
            if any(row.startswith(tmux.DONE) for row in history):
                return terminal.wait(), "\n".join(history)
            for question, keys in ANSWERS:
                if sum(question in row for row in history) > answered[question]:
                    answered[question] += 1
                    terminal.keys(*keys)
            time.sleep(0.3)
        pytest.fail("the first day did not finish:\n" + "\n".join(terminal.history()))
    finally:
        terminal.close()


def _ok(machine: Machine, script: str) -> str:
    ran = machine.as_user(script)
    assert ran.returncode == 0, f"{script} failed (exit {ran.returncode}):\n{ran.stdout}\n{ran.stderr}"
    return ran.stdout


def _doctor(machine: Machine) -> dict[str, dict[str, object]]:
    ran = machine.as_user("bootstrap doctor --json")
    report = json.loads(ran.stdout)
    return {c["id"]: c for c in report["checks"]}


def test_no_admin_rights_and_no_network(tmp_path: Path, caches: Path) -> None:
    machine = fresh_machine.fresh(tmp_path, caches)
    _it_image(machine)
    machine.user, machine.offline = LAPTOP, True
    fresh_machine.copy_checkout(machine)
    assert machine.as_user("sudo -n true").returncode != 0  # as IT set it up: no administrator rights
    assert "sudo" not in machine.as_user("id -nG").stdout.split()
    assert machine.as_user("getent hosts pypi.org || echo none").stdout.strip() == "none"

    code, screen = _first_day(machine, tmp_path / "tmux")
    assert code == 3, screen  # all it could do is done; the rest waits on an administrator
    plain = screen
    assert "Traceback" not in plain, plain
    # the one list for IT: exactly the system software that is missing, as a command that works
    waiting = plain[plain.index("Waiting on an administrator") :]
    command = next(line for line in waiting.splitlines() if "apt-get install" in line).strip().lstrip("$ ")
    assert [w for w in command.split(" install ", 1)[1].split() if not w.startswith("-")] == ["jq"], command

    # user-level tools installed and working, offline
    assert "3.2.5" in _ok(machine, "sqlfluff --version")
    _ok(machine, "pre-commit --version")
    _ok(machine, "uv --version")
    # the Terraform IT installed still runs, through bootstrap's command
    assert _ok(machine, "command -v terraform").strip() == f"/home/{LAPTOP}/.local/bin/terraform"
    assert "Terraform v1.0.3" in _ok(machine, "cd /tmp && terraform version")
    which = machine.as_user("cd /tmp && bootstrap terraform which")
    assert which.returncode == 2 and "runs /usr/local/bin/terraform 1.0.3, which was already" in which.stderr

    checks = _doctor(machine)
    errors = {k: c for k, c in checks.items() if c["status"] == "error"}
    assert not errors, json.dumps(errors, indent=2)
    warnings = sorted(k for k, c in checks.items() if c["status"] == "warning")
    assert warnings == EXPECTED_WARNINGS, json.dumps({k: checks[k] for k in warnings}, indent=2)
    assert "admin" in str(checks["packages.manager"]["summary"]).lower(), checks["packages.manager"]

    # IT follows the list; the warning turns green, and a second run finishes the day
    machine.offline = False
    handed = machine.as_root(command.removeprefix("sudo "))
    assert handed.returncode == 0, handed.stderr
    machine.offline = True
    assert _doctor(machine)["packages.jq"]["status"] == "ok"
    again = machine.as_user("bootstrap run --yes")
    assert again.returncode == 0, again.stdout + again.stderr


def test_with_sudo_and_network_everything_installs(tmp_path: Path, caches: Path) -> None:
    machine = fresh_machine.fresh(tmp_path, caches)
    _it_image(machine)
    fresh_machine.copy_checkout(machine)
    code, screen = _first_day(machine, tmp_path / "tmux")
    assert code == 0, screen
    assert "Waiting on" not in screen
    assert _ok(machine, "jq --version").startswith("jq-")
    assert "3.2.5" in _ok(machine, "sqlfluff --version")
    checks = _doctor(machine)
    assert not [k for k, c in checks.items() if c["status"] == "error"], checks
