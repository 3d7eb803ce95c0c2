"""A laptop without admin rights: real users, real sudo, real uv from local wheels, real git.

Run as root (CI), each test makes a real unprivileged account with `useradd` and runs this
checkout's bootstrap as that account through `runuser`, against Debian's real sudo.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI, bootstrap, need
from tests.support.users import REPO, Account, python_for_accounts, shared_base

WHEELS = REPO / ".ci" / "wheels"
# Not installed on a laptop, and in Debian's index: what the team's profile asks apt for
MISSING = ["bootstrap-test-absent-tool", "cowsay"]
PROFILE = f"""schema: 1
components:
  packages:
    system: [jq, {MISSING[0]}, {{name: cow, apt: {MISSING[1]}, command: cowsay}}]
    uv_tools: [{{name: nbstripout, version: "0.8.1"}}]
"""


@pytest.fixture
def laptop() -> Iterator[tuple[Path, Path]]:
    """(the shared folder, the Python accounts run bootstrap with)."""
    need("apt-get")
    if not list(WHEELS.glob("uv-*.whl")) or not list(WHEELS.glob("nbstripout-0.8.1-*.whl")):
        message = f"no uv or nbstripout wheel in {WHEELS} (.ci/run downloads them before the tests)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    base = shared_base()
    try:
        yield base, python_for_accounts(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def offline(account: Account, python: Path) -> dict[str, str]:
    """pip and uv take the wheels .ci/run downloaded, never the internet (pip's settings in its
    environment, uv's in the account's uv.toml: `uv tool install` reads no UV_NO_INDEX)."""
    config = account.home / ".config" / "uv"
    config.mkdir(parents=True)
    (config / "uv.toml").write_text(f'no-index = true\nfind-links = ["{WHEELS}"]\npython-downloads = "never"\n')
    subprocess.run(["chown", "-R", f"{account.name}:", str(account.home / ".config")], check=True)
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELS), "UV_PYTHON": str(python)}


def test_without_admin_rights_the_tools_install_and_the_rest_waits_for_it(laptop: tuple[Path, Path]) -> None:
    base, python = laptop
    account = Account("bootstrap-laptop", base)
    try:
        profile = base / "team.yaml"
        profile.write_text(PROFILE)
        profile.chmod(0o644)
        env = offline(account, python)
        trusted = account.run([str(python), "-m", "bootstrap", "profile", "trust", str(profile), "--yes"], env)
        assert trusted.returncode == 0, trusted.stdout + trusted.stderr  # its packages wait for trust until then
        said = account.run(["sudo", "-n", "-v"])
        assert said.returncode == 1 and "may not run sudo" in said.stderr, said.stderr  # the real refusal

        plan = account.run([str(python), "-m", "bootstrap", "plan", "--profile", str(profile)], env)
        assert plan.returncode == 0, plan.stdout + plan.stderr
        assert "waits on an administrator" in plan.stdout, plan.stdout
        assert "Install uv" in plan.stdout and "pip install" in plan.stdout, plan.stdout

        run = account.run([str(python), "-m", "bootstrap", "run", "--yes", "--profile", str(profile)], env, timeout=900)
        out = run.stdout + run.stderr
        assert run.returncode == 3, out
        command = f"sudo apt-get update && sudo apt-get install -y --no-install-recommends {' '.join(MISSING)}"
        assert "Waiting on an administrator:" in out, out
        assert command in out, out
        assert "may not run sudo" in out, out
        # what needs no one else is done: uv brought from the wheels, nbstripout installed by it
        local_bin = account.home / ".local" / "bin"
        assert (local_bin / "uv").is_file() and (local_bin / "nbstripout").is_file(), out
        tool = account.run([str(local_bin / "nbstripout"), "--version"])
        assert tool.returncode == 0 and "0.8.1" in tool.stdout + tool.stderr

        report = account.run([str(python), "-m", "bootstrap", "doctor", "--json", "--profile", str(profile)], env)
        checks = {c["id"]: c for c in json.loads(report.stdout)["checks"]}
        manager = checks["packages.manager"]
        assert manager["status"] == "warning", manager
        assert "may not install system software" in manager["summary"], manager
        assert manager["fix"] == command
        assert checks["packages.nbstripout"]["status"] == "ok", checks
        assert checks[f"packages.{MISSING[0]}"]["status"] == "warning", checks
        assert not [c for c in checks.values() if c["component"] == "packages" and c["status"] == "error"], checks
        # the fix is a command this machine has, and apt takes exactly it (simulated: no downloads)
        first, install = manager["fix"].split(" && ")
        assert shutil.which("sudo") and shutil.which("apt-get") and first == "sudo apt-get update"
        argv = shlex.split(install)[1:]
        simulated = subprocess.run([*argv[:2], "--simulate", *argv[2:]], capture_output=True, text=True)
        assert "E: Unable to locate package bootstrap-test-absent-tool" in simulated.stderr  # apt's own word

        again = account.run(
            [str(python), "-m", "bootstrap", "run", "--yes", "--profile", str(profile)], env, timeout=600
        )
        assert again.returncode == 3, again.stdout + again.stderr  # nothing more it can do; still waiting
        assert "0 changes made" in again.stdout, again.stdout
    finally:
        account.remove()


def test_with_a_sudo_that_works_everything_installs_as_before(laptop: tuple[Path, Path]) -> None:
    base, python = laptop
    account = Account("bootstrap-sudoer", base, nopasswd_sudo=True)
    try:
        profile = base / "team.yaml"
        profile.write_text(PROFILE)
        profile.chmod(0o644)
        env = offline(account, python)
        trusted = account.run([str(python), "-m", "bootstrap", "profile", "trust", str(profile), "--yes"], env)
        assert trusted.returncode == 0, trusted.stdout + trusted.stderr  # its packages wait for trust until then
        plan = account.run([str(python), "-m", "bootstrap", "plan", "--profile", str(profile)], env)
        assert plan.returncode == 0, plan.stdout + plan.stderr
        assert "waits on" not in plan.stdout, plan.stdout
        assert f"$ sudo -n apt-get install -y --no-install-recommends {' '.join(MISSING)}" in plan.stdout
        report = account.run([str(python), "-m", "bootstrap", "doctor", "--json", "--profile", str(profile)], env)
        checks = {c["id"]: c for c in json.loads(report.stdout)["checks"]}
        assert checks["packages.manager"]["status"] == "ok", checks["packages.manager"]
        assert checks[f"packages.{MISSING[0]}"]["status"] == "error"  # the person can install it: their error
        assert checks[f"packages.{MISSING[0]}"]["fix"].startswith("sudo apt-get update && sudo apt-get install")
        # and the Python tools install without sudo, uv brought from the wheels
        tools = base / "tools.yaml"
        tools.write_text('schema: 1\ncomponents:\n  packages:\n    uv_tools: [{name: nbstripout, version: "0.8.1"}]\n')
        tools.chmod(0o644)
        account.run([str(python), "-m", "bootstrap", "profile", "trust", str(tools), "--yes"], env)
        run = account.run([str(python), "-m", "bootstrap", "run", "--yes", "--profile", str(tools)], env, timeout=900)
        assert run.returncode == 0, run.stdout + run.stderr
        assert (account.home / ".local" / "bin" / "nbstripout").is_file()
    finally:
        account.remove()


def test_admin_rights_are_what_the_real_sudo_says(laptop: tuple[Path, Path]) -> None:
    base, python = laptop
    probe = "from bootstrap.system import proc, syspkg; import os; print(syspkg.admin_rights(proc.Runner(os.environ)))"
    refused = Account("bootstrap-laptop", base)
    allowed = Account("bootstrap-sudoer", base, nopasswd_sudo=True)
    asks = Account("bootstrap-asks", base)
    try:
        for account in (asks, allowed):  # Debian's sudoers: %sudo ALL=(ALL:ALL) ALL, beside NOPASSWD
            subprocess.run(["usermod", "-a", "-G", "sudo", account.name], check=True)
        said = refused.run([str(python), "-c", probe])
        assert "Admin(how='none'" in said.stdout and "may not run sudo" in said.stdout, said.stdout + said.stderr
        assert "Admin(how='sudo'" in allowed.run([str(python), "-c", probe]).stdout
        assert "Admin(how='password'" in asks.run([str(python), "-c", probe]).stdout
        no_sudo = refused.run([str(python), "-c", probe], {"PATH": "/nowhere"})
        assert "sudo is not installed" in no_sudo.stdout, no_sudo.stdout + no_sudo.stderr
    finally:
        for account in (refused, allowed, asks):
            account.remove()


# --- a failure carries its reason -------------------------------------------------------------


def test_a_clone_refused_for_dubious_ownership_shows_gits_reason_and_its_fix(home: Path, tmp_path: Path) -> None:
    """Real git refuses a repository another account owns; its reason and command reach the person."""
    need("git")
    base = shared_base()
    try:
        account = Account("bootstrap-laptop", base)
        repo = account.home / "team-profiles"
        git_env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
                   "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"}  # fmt: skip
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=git_env)
        (repo / "analyst.yaml").write_text("schema: 1\ndescription: the team's analysts\n")
        subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=git_env)
        subprocess.run(["git", "-C", str(repo), "commit", "-qm", "profiles"], check=True, env=git_env)
        # the shared copy a team serves (bare, as on a file server), owned by another account
        repo = account.home / "team-profiles.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(account.home / "team-profiles"), str(repo)], check=True)
        subprocess.run(["chown", "-R", f"{account.name}:", str(repo)], check=True)

        added = bootstrap("profile", "add", str(repo), "--name", "acme")
        assert added.returncode == 1, added.stdout + added.stderr
        said = added.stderr
        assert f"detected dubious ownership in repository at '{repo}" in said, said
        fix = f"git config --global --add safe.directory {repo}"
        assert fix in said, said  # git's own hint, not only its last line ("and the repository exists.")
        logs = home / ".local" / "state" / "bootstrap" / "logs"
        (log,) = logs.glob("*-git.log")
        assert f"its whole output: ~/.local/state/bootstrap/logs/{log.name}" in said, said
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        text = log.read_text()
        assert text.startswith(f"$ git -c core.symlinks=false clone --quiet --no-checkout -- {repo} ")
        assert "dubious ownership" in text and "and the repository exists." in text  # all of it

        subprocess.run(shlex.split(fix), check=True)  # following the fix, as printed
        again = bootstrap("profile", "add", str(repo), "--name", "acme")
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)
