"""The packages component: real apt (as root), real uv and nbstripout, Homebrew faked on PATH."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bootstrap.components.packages import component as packages
from bootstrap.engine import doctor
from bootstrap.profiles.schema import Profile
from bootstrap.system import files, syspkg, versions
from bootstrap.system.context import Platform
from bootstrap.system.errors import Failure
from bootstrap.system.steps import Applier
from tests.conftest import IN_CI, bootstrap, need
from tests.support.notebooks import NOTEBOOK
from tests.support.packages import DEBIAN, FEDORA, MACOS, context, homebrew

VENV_BIN = str(Path(sys.executable).parent)
WHEELS = Path(__file__).resolve().parent.parent / ".ci" / "wheels"
ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"


def profile(**packages: object) -> Profile:
    return Profile.model_validate({"name": "t", "components": {"packages": packages}})


def apply(ctx: object, steps: list) -> files.Journal:  # type: ignore[type-arg]
    journal = files.Journal(ctx.paths.runs, "run", "bootstrap run")  # type: ignore[attr-defined]
    applier = Applier(ctx, files.Writer(journal))  # type: ignore[arg-type]
    for step in steps:
        applier.apply(step)
    journal.finish()
    return journal


# --- versions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "rule", "good"),
    [
        ("1:2.39.5-0+deb12u3", ">=2.30", True),
        ("1.6-2.1+deb12u1", ">=1.7", False),
        ("v0.8.1", "0.8.1", True),
        ("0.8.10", "0.8.1", False),
        ("0.8.1", "==0.8", True),
        ("3.2.5", "~=3.2", True),
        ("4.0.0", "~=3.2", False),
        ("2.9.19", ">=2.9,<3", True),
        ("3.0", ">=2.9,<3", False),
        ("1.7.1_1", "!=1.7.1", False),
    ],
)
def test_version_rules(printed: str, rule: str, good: bool) -> None:
    have = versions.parse(printed)
    assert have is not None
    assert versions.satisfies(have, rule) is good


def test_requirements_pin_exactly_what_the_profile_pins() -> None:
    assert versions.requirement("sqlfluff", "3.2.5") == "sqlfluff==3.2.5"
    assert versions.requirement("uv", ">=0.4") == "uv>=0.4"
    assert versions.requirement("x", None) == "x"
    with pytest.raises(ValueError, match="not a version"):
        profile(uv_tools=[{"name": "x", "version": "latest"}])


# --- per-manager commands -------------------------------------------------------------------


def test_each_family_installs_in_one_batch_with_sudo_only_when_not_root() -> None:
    assert syspkg.batch_install(MACOS, ["jq", "awscli"], root=False) == [("brew", "install", "jq", "awscli")]
    assert syspkg.batch_install(DEBIAN, ["jq", "awscli"], root=True) == [
        ("apt-get", "update"),
        ("apt-get", "install", "-y", "--no-install-recommends", "jq", "awscli"),  # only what the plan names
    ]
    assert syspkg.batch_install(FEDORA, ["jq"], root=False) == [
        ("sudo", "dnf", "install", "-y", "--setopt=install_weak_deps=False", "jq")
    ]
    # a profile's `recommends: true` lets that package's recommendations in, in a call of its own
    assert syspkg.batch_install(DEBIAN, ["jq", "r-base"], root=True, recommends=("r-base",))[1:] == [
        ("apt-get", "install", "-y", "--no-install-recommends", "jq"),
        ("apt-get", "install", "-y", "r-base"),
    ]
    assert syspkg.batch_install(FEDORA, ["R"], root=True, recommends=("R",)) == [("dnf", "install", "-y", "R")]
    # the model component's call keeps working
    assert syspkg.install_commands(DEBIAN, "git", is_root=False)[-1] == (
        "sudo",
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
        "git",
    )
    assert syspkg.batch_install(Platform("linux", "amd64", distro="arch"), ["jq"], root=True) == []


def test_query_output_of_each_manager() -> None:
    dpkg = "jq\tii \t1.6-2.1+deb12u1\nold\trc \t1.0-1\n"
    assert syspkg.parse_query(DEBIAN, dpkg) == {"jq": "1.6-2.1+deb12u1"}  # removed, config left: not installed
    assert syspkg.parse_query(MACOS, "jq 1.6 1.7.1\nawscli 2.15.0\n") == {"jq": "1.7.1", "awscli": "2.15.0"}
    rpm = "jq\t1.7.1\npackage awscli2 is not installed\n"
    assert syspkg.parse_query(FEDORA, rpm) == {"jq": "1.7.1"}


def test_plan_on_debian_follows_the_accounts_admin_rights(home: Path) -> None:
    need("dpkg-query")
    ctx = context(home, DEBIAN, os.environ["PATH"])
    wanted = profile(system=["dpkg", "bootstrap-test-missing-a", {"name": "b", "apt": "bootstrap-test-missing-b"}])
    names = ("bootstrap-test-missing-a", "bootstrap-test-missing-b")
    # sudo lets this account in without a password (CI, a laptop's MDM): -n so it never waits for one
    (step,) = packages.plan(ctx, wanted, admin=syspkg.Admin("sudo"))
    assert step.commands == (
        ("sudo", "-n", "apt-get", "update"),
        ("sudo", "-n", "apt-get", "install", "-y", "--no-install-recommends", *names),
    )
    assert "dpkg" not in step.summary and not step.interactive  # installed already; apt's output is not streamed
    # sudo wants a password: asked once on a terminal, before anything else
    ctx.interactive = True
    asking = packages.plan(ctx, wanted, admin=syspkg.Admin("password"))
    assert asking[0].commands == (("sudo", "-v"),) and asking[0].interactive and asking[0].needs == ("password",)
    assert asking[0].summary.startswith("Ask for your computer password once (sudo)")
    assert asking[1].commands[1][:2] == ("sudo", "apt-get")
    assert asking[1].prompts and not asking[1].interactive  # the terminal kept, apt's output not streamed
    # ... and with no terminal to type it in, the install waits on the person, with the command
    ctx.interactive = False
    (later,) = packages.plan(ctx, wanted, admin=syspkg.Admin("password"))
    command = f"sudo apt-get update && sudo apt-get install -y --no-install-recommends {' '.join(names)}"
    assert later.waits_on == "you" and later.fix == command and not later.commands
    # no admin rights: waits on an administrator, with the one command to hand them
    refused = syspkg.Admin("none", 'sudo answers "Sorry, user ada may not run sudo on laptop"')
    (waiting,) = packages.plan(ctx, wanted, admin=refused)
    assert waiting.waits_on == "administrator" and waiting.fix == command and waiting.needs == ("administrator",)
    assert "may not run sudo" in waiting.summary
    as_root = packages.plan(ctx, wanted, admin=syspkg.ROOT)
    assert len(as_root) == 1 and as_root[0].commands[0] == ("apt-get", "update")


# --- Homebrew (faked) -----------------------------------------------------------------------


def test_macos_installs_with_one_brew_call_records_it_and_converges(home: Path, tmp_path: Path) -> None:
    prefix, brew_bin = homebrew(tmp_path, {"jq": "1.7.1", "awscli": "2.15.0", "r": "4.4.1"})
    ctx = context(home, MACOS, f"{brew_bin}:/usr/bin:/bin", HOMEBREW_PREFIX=str(prefix))
    wanted = profile(
        system=[
            "jq",
            {"name": "awscli", "dnf": "awscli2", "version": ">=2.9"},
            {"name": "R", "brew": "r", "when": "false"},
        ]
    )
    steps = packages.plan(ctx, wanted)
    assert [s.commands for s in steps] == [(("brew", "install", "jq", "awscli"),)]  # brew never needs sudo

    journal = apply(ctx, steps)
    assert (prefix / "calls.log").read_text().count("brew install") == 1
    assert [i["what"] for i in journal.installed] == ["jq", "awscli"]
    assert journal.installed[0]["remove"] == "brew uninstall jq"
    assert packages.plan(ctx, wanted) == []  # converged

    findings = doctor.diagnose(ctx, "t", wanted, ["packages"], []).findings
    status = {f.id: (f.status, f.summary) for f in findings}
    assert status["packages.manager"][0] == "ok"
    assert status["packages.jq"] == ("ok", "jq 1.7.1 is installed")
    assert status["packages.awscli"] == ("ok", "awscli 2.15.0 is installed")
    assert "packages.R" not in status  # not asked for


def test_an_old_version_is_a_warning_with_the_upgrade_command(home: Path, tmp_path: Path) -> None:
    prefix, brew_bin = homebrew(tmp_path, {"awscli": "2.8.0"})
    ctx = context(home, MACOS, f"{brew_bin}:/usr/bin:/bin", HOMEBREW_PREFIX=str(prefix))
    wanted = profile(system=[{"name": "awscli", "version": ">=2.9"}])
    apply(ctx, packages.plan(ctx, wanted))
    finding = next(f for f in doctor.diagnose(ctx, "t", wanted, ["packages"], []).findings if f.id == "packages.awscli")
    assert finding.status == "warning"
    assert finding.summary == "awscli 2.8.0 is installed; the profile asks for >=2.9"
    assert finding.fix == "brew upgrade awscli"


def test_missing_homebrew_is_a_finding_with_the_official_installer(home: Path) -> None:
    ctx = context(home, MACOS, "/usr/bin:/bin")
    wanted = profile(system=["jq"])
    with pytest.raises(Failure, match="Homebrew is not installed") as raised:
        packages.plan(ctx, wanted)
    assert syspkg.HOMEBREW_INSTALL in str(raised.value)
    findings = {f.id: f for f in doctor.diagnose(ctx, "t", wanted, ["packages"], []).findings}
    assert findings["packages.manager"].status == "error"
    assert findings["packages.manager"].fix == syspkg.HOMEBREW_INSTALL
    assert findings["packages.jq"].status == "error" and findings["packages.jq"].fix == packages.FIX_RUN


# --- Python tools ---------------------------------------------------------------------------


def test_tools_use_uv_when_present_else_pipx_and_pin_versions(home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    wanted = profile(uv_tools=[{"name": "sqlfluff", "version": "3.2.5"}], index_url="https://pypi.corp.example/simple")
    prefix, brew_bin = homebrew(tmp_path, {"pipx": "1.7.1"})
    without_uv = context(home, MACOS, f"{brew_bin}:{empty}", HOMEBREW_PREFIX=str(prefix))
    steps = packages.plan(without_uv, wanted)
    # neither uv nor pipx: uv comes from the team's index into bootstrap's folder, no administrator
    venv = without_uv.paths.data / "uv"
    assert [s.commands for s in steps] == [
        (
            (sys.executable, "-m", "venv", "--clear", str(venv)),
            ("env", "PIP_USER=0", str(venv / "bin" / "python"), "-m", "pip", "install",
             "--disable-pip-version-check", "--quiet", "--index-url", "https://pypi.corp.example/simple", "uv"),
        ),
        ((str(home / ".local" / "bin" / "uv"), "tool", "install", "--index-url", "https://pypi.corp.example/simple",
          "sqlfluff==3.2.5"),),
    ]  # fmt: skip
    assert steps[0].needs == ("network",)
    # the profile lists uv itself (base does): the uv brought is that tool, at the version asked
    with_itself = profile(uv_tools=[{"name": "uv", "version": ">=0.4"}, {"name": "sqlfluff", "version": "3.2.5"}])
    steps = packages.plan(without_uv, with_itself)
    assert [s.commands[-1][-1] for s in steps] == ["uv>=0.4", "sqlfluff==3.2.5"]
    assert not any("tool" in s.commands[-1] and "uv>=0.4" in s.commands[-1] for s in steps)
    (brew_bin / "pipx").write_text("#!/bin/sh\nexit 0\n")  # pipx is here: it is used
    (brew_bin / "pipx").chmod(0o755)
    (step,) = packages.plan(without_uv, wanted)
    assert step.commands == (("pipx", "install", "--index-url", "https://pypi.corp.example/simple", "sqlfluff==3.2.5"),)
    (brew_bin / "pipx").unlink()
    uv_bin = tmp_path / "uv-bin"
    uv_bin.mkdir()
    os.symlink(Path(VENV_BIN) / "uv", uv_bin / "uv")
    with_uv = context(home, MACOS, f"{uv_bin}:{empty}")
    (step,) = packages.plan(with_uv, wanted)
    assert step.commands == (
        ("uv", "tool", "install", "--index-url", "https://pypi.corp.example/simple", "sqlfluff==3.2.5"),
    )
    assert step.installs == ("sqlfluff (uv)", "uv tool uninstall sqlfluff")


def test_uv_tool_list_and_pipx_list_parsing() -> None:
    uv = "nbstripout v0.8.1\n- nbstripout\npre-commit v4.0.1\n- pre-commit\n"
    assert packages.parse_uv_tools(uv) == {"nbstripout": "0.8.1", "pre-commit": "4.0.1"}
    assert packages.parse_pipx("duckdb_cli 1.1.3\nsqlfluff 3.2.5\n") == {"duckdb-cli": "1.1.3", "sqlfluff": "3.2.5"}


def test_nbstripout_installed_for_real_keeps_outputs_out_of_commits(home: Path, tmp_path: Path) -> None:
    """The data scientist's promise, with real uv, real nbstripout (PyPI's wheels) and real git.

    The role's own git filter settings and attributes template, with only nbstripout among its
    tools (JupyterLab is a large download) and pinned, so the pin is exercised too.
    """
    import yaml

    need("git")
    from bootstrap.system.paths import builtin_profiles

    if not list(WHEELS.glob("nbstripout-0.8.1-*.whl")):
        message = f"no nbstripout wheel in {WHEELS} (.ci/run downloads it before the tests)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    role = yaml.safe_load((builtin_profiles() / "data-scientist.yaml").read_text())["components"]
    team = {
        "schema": 1,
        "prompts": [{"id": "name", "message": "Name"}, {"id": "email", "message": "Email"}],
        "components": {
            "git": {
                "user": {"name": "{{ answers.name }}", "email": "{{ answers.email }}"},
                "config": {k: v for k, v in role["git"]["config"].items() if "nbstripout" in str(v) + k},
            },
            "packages": {"uv_tools": [{"name": "nbstripout", "version": "0.8.1"}]},
            "dotfiles": [d for d in role["dotfiles"] if d["template"] == "gitattributes"],
        },
    }
    assert len(team["components"]["git"]["config"]) >= 3 and team["components"]["dotfiles"]
    profile_file = tmp_path / "team.yaml"
    profile_file.write_text(yaml.safe_dump(team))
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS)
    local_bin = home / ".local" / "bin"
    env = {
        "BOOTSTRAP_SKIP": "",
        "PATH": f"{local_bin}:{VENV_BIN}:{os.environ['PATH']}",
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_PYTHON": sys.executable,
        # uv's own settings: the wheels .ci/run downloaded, nothing from the internet
        "UV_NO_INDEX": "1",
        "UV_FIND_LINKS": str(WHEELS),
    }
    plan = bootstrap("plan", "--profile", str(profile_file), "--answers", str(answers), env=env)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "$ uv tool install nbstripout==0.8.1" in plan.stdout

    result = bootstrap("run", "--yes", "--profile", str(profile_file), "--answers", str(answers), env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (local_bin / "nbstripout").exists()
    assert "nbstripout v0.8.1" in uv_tools(env)

    doctor_out = bootstrap("doctor", "--json", env=env)
    checks = {c["id"]: c for c in json.loads(doctor_out.stdout)["checks"]}
    assert checks["packages.nbstripout"]["status"] == "ok", checks
    assert checks["packages.nbstripout"]["summary"] == "nbstripout 0.8.1 is installed"
    assert checks["dotfiles.files"]["status"] == "ok", checks
    again = bootstrap("plan", "--detailed-exitcode", env=env)
    assert again.returncode == 0, again.stdout

    repo = tmp_path / "analysis"
    git_env = {**os.environ, **env}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=git_env)
    (repo / "explore.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    subprocess.run(["git", "-C", str(repo), "add", "explore.ipynb"], check=True, env=git_env)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "explore"], check=True, env=git_env)
    committed = json.loads(
        subprocess.run(
            ["git", "-C", str(repo), "show", "HEAD:explore.ipynb"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert committed["cells"][0]["outputs"] == [] and committed["cells"][0]["execution_count"] is None
    assert committed["cells"][0]["source"] == NOTEBOOK["cells"][0]["source"]
    assert "customer 42" in (repo / "explore.ipynb").read_text()  # the working copy keeps its outputs

    # moving to a profile without nbstripout takes the tool and its git filter away
    plain = tmp_path / "plain.yaml"
    plain.write_text("schema: 1\ncomponents:\n  packages: {}\n")
    moving = bootstrap("plan", "--profile", str(plain), env=env)
    assert moving.returncode == 0, moving.stdout + moving.stderr
    assert "tool uninstall nbstripout" in moving.stdout, moving.stdout
    assert "filter.nbstripout.clean, filter.nbstripout.required" in moving.stdout, moving.stdout
    moved = bootstrap("run", "--yes", "--profile", str(plain), env=env, timeout=600)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert not (local_bin / "nbstripout").exists()
    assert "nbstripout" not in uv_tools(env)
    assert subprocess.run(["git", "config", "--global", "filter.nbstripout.clean"], env=git_env).returncode == 1

    undo = bootstrap("undo", "--yes", env=env)  # the move: files back, the tool listed to install again
    assert undo.returncode == 0, undo.stdout + undo.stderr
    assert "nbstripout (uv): uv tool install nbstripout==0.8.1" in undo.stdout
    assert subprocess.run(["git", "config", "--global", "filter.nbstripout.clean"], env=git_env).returncode == 0
    again = bootstrap("run", "--yes", env=env, timeout=600)  # the remembered profile installs it again
    assert again.returncode == 0, again.stdout + again.stderr
    assert "nbstripout v0.8.1" in uv_tools(env)

    undo = bootstrap("undo", "--yes", env=env)
    assert "uv tool uninstall nbstripout" in undo.stdout  # listed, never removed
    assert (local_bin / "nbstripout").exists()


def uv_tools(env: dict[str, str]) -> str:
    listed = subprocess.run(
        [Path(VENV_BIN) / "uv", "tool", "list"], capture_output=True, text=True, env={**os.environ, **env}, check=True
    )
    return listed.stdout


# --- real apt, as root ----------------------------------------------------------------------


def test_apt_installs_for_real_as_root_and_then_reports_converged(home: Path, tmp_path: Path) -> None:
    need("apt-get")
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("CI runs as root so that apt can install for real")
        pytest.skip("installing with apt needs root")
    from bootstrap.system.context import detect_platform

    if detect_platform().family != "debian":
        pytest.fail("this test needs Debian or Ubuntu, as CI has")
    team = tmp_path / "team.yaml"
    team.write_text(
        "schema: 1\ncomponents:\n  packages:\n    system: [jq, {name: pipe-viewer, apt: pv, command: pv}]\n"
    )
    env = {"BOOTSTRAP_SKIP": "", "DEBIAN_FRONTEND": "noninteractive"}
    plan = bootstrap("plan", "--profile", str(team), env=env)
    assert plan.returncode == 0, plan.stderr
    assert "sudo" not in plan.stdout  # root needs no sudo
    assert plan.stdout.count("apt-get install") <= 1
    run = bootstrap("run", "--yes", "--profile", str(team), env=env, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert bootstrap("plan", "--detailed-exitcode", env=env).returncode == 0
    report = json.loads(bootstrap("doctor", "--json", env=env).stdout)
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["packages.jq"]["status"] == "ok" and checks["packages.pipe-viewer"]["status"] == "ok", checks
    assert subprocess.run(["jq", "-n", "1+1"], capture_output=True, text=True, check=True).stdout.strip() == "2"


# --- Docker ---------------------------------------------------------------------------------


def test_docker_without_an_engine_is_a_warning_not_an_error(home: Path, tmp_path: Path) -> None:
    stub_dir = tmp_path / "docker-bin"
    stub_dir.mkdir()
    none = context(home, DEBIAN, str(stub_dir))
    assert packages.docker_engine(none).status == "warning"
    assert "not installed" in packages.docker_engine(none).summary
    # the client is there, the engine is not: what `docker info` does then
    stub = stub_dir / "docker"
    stub.write_text(
        "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?' >&2\nexit 1\n"
    )
    stub.chmod(0o755)
    stopped = packages.docker_engine(context(home, DEBIAN, str(stub_dir)))
    assert stopped.status == "warning" and stopped.fix == "sudo systemctl start docker"
    mac = packages.docker_engine(context(home, MACOS, str(stub_dir)))
    assert mac.fix == "open -a Docker"
    report = doctor.diagnose(none, "t", profile(docker=True), ["packages"], [])
    assert report.status == "warning"


# --- a failure's reason and its log ---------------------------------------------------------


def test_a_failure_shows_the_lines_that_explain_it_and_keeps_the_rest_in_a_bounded_log(
    home: Path, tmp_path: Path
) -> None:
    from bootstrap.system import proc

    logs = tmp_path / "logs"
    runner = proc.Runner({**os.environ, "HOME": str(home), "SECRET_TOKEN": "hunter2-do-not-log"}, log_dir=logs)
    noisy = (
        "Collecting quarto-cli\\n  Downloading quarto_cli-1.5.tar.gz (1.2 MB)\\n"
        "   ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1.2/1.2 MB 3.1 MB/s eta 0:00:00\\n\\n"
        "ERROR: Could not build wheels for quarto-cli\\n"
        "Fatal error from pip prevented installation. Full pip output in file:\\n"
        "    /home/ada/.local/pipx/logs/cmd_pip_errors.log\\n\\nError installing quarto-cli.\\n"
    )
    script = f"printf '{noisy}' >&2; echo done; exit 1"
    result = runner.run(["sh", "-c", script, "https://ada:s3cret@pypi.corp.example/simple"])
    said = result.explain()
    lines = said.splitlines()
    assert lines[0].endswith("failed with exit code 1:") and "s3cret" not in said
    assert [line.strip() for line in lines[1:-1]] == [
        "ERROR: Could not build wheels for quarto-cli",
        "Fatal error from pip prevented installation. Full pip output in file:",
        "/home/ada/.local/pipx/logs/cmd_pip_errors.log",
        "Error installing quarto-cli.",
    ]
    (log,) = logs.glob("*.log")
    assert lines[-1].strip() == f"(its whole output: {log})"  # shown with ~ when it is under HOME
    text = log.read_text()
    assert "Downloading quarto_cli" in text and "done" in text and "exit code 1" in text
    assert "hunter2" not in text and "s3cret" not in text  # the environment is never logged; URLs masked
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and stat.S_IMODE(logs.stat().st_mode) == 0o700
    assert result.explain() == said and len(list(logs.glob("*.log"))) == 1  # written once

    home_runner = proc.Runner({"PATH": os.environ["PATH"], "HOME": str(home)}, log_dir=home / "logs")
    one = home_runner.run(["sh", "-c", "echo 'fatal: not a git repository' >&2; exit 128"]).explain()
    assert one.startswith("`sh -c") and ": fatal: not a git repository (its whole output: ~/logs/" in one
    for _ in range(proc.LOGS_KEPT + 5):
        home_runner.run(["false"]).explain()  # no output: nothing to keep
        home_runner.run(["sh", "-c", "echo boom >&2; exit 3"]).explain()
    assert len(list((home / "logs").glob("*.log"))) == proc.LOGS_KEPT  # old ones pruned
    assert proc.Runner({}).run(["sh", "-c", "echo x >&2; exit 1"]).explain().endswith(": x")  # no log folder
