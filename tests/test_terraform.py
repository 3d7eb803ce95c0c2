"""Terraform with real binaries from a local signed mirror: install, switch, and every fault refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI, bootstrap, need
from tests.support import pinned, tfmirror

GOOD = ("1.0.3", "0.11.11")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tfmirror.Mirror]:
    if not shutil_which("gpg"):
        message = "gpg is not installed (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("mirror")
    mirror, keyfile = tfmirror.build(root)
    gpg = mirror.gpg
    stranger = gpg.new_key("stranger@example.com")
    old = gpg.new_key("old@example.com", when="20200101T000000", expire="1y")
    mirror.add("9.0.0", members={"terraform": b"#!/bin/sh\n", "../evil": b"escaped"})
    mirror.add("9.1.0", platforms=[("solaris", "amd64")])
    mirror.add("9.2.0", signer=stranger)
    mirror.add("9.3.0", signer=old, sign_when="20200601T000000")
    mirror.add("9.4.0", signatures=[])
    mirror.add("9.5.0")
    # trusted: the release key and the old (now expired) key; never the stranger
    keyfile.write_bytes(gpg.export(mirror.key) + gpg.export(old))
    mirror.start()
    yield mirror
    mirror.stop()


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


@pytest.fixture
def env(site: tfmirror.Mirror, home: Path) -> dict[str, str]:
    site.faults.by_name.clear()
    site.faults.hits.clear()
    return {
        "BOOTSTRAP_TERRAFORM_MIRROR": site.url,
        "BOOTSTRAP_TERRAFORM_KEYS": str(site.keyfile),
        "BOOTSTRAP_TERRAFORM_TIMEOUT": "1",
        "PATH": f"{home / '.local' / 'bin'}:{os.environ['PATH']}",
    }


def versions_dir(home: Path) -> Path:
    return home / ".local" / "share" / "bootstrap" / "terraform" / "versions"


def nothing_installed(home: Path, version: str) -> None:
    root = versions_dir(home)
    assert not (root / version).exists()
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(f".{version}.")] if root.exists() else []
    assert leftovers == []


tf = pinned.Program("terraform", "terraform", timeout=300).typed  # `terraform` as the user types it


# --- install and switch ---------------------------------------------------------------------


def test_switching_by_directory_runs_the_pinned_real_binary(home: Path, env: dict[str, str]) -> None:
    old_project = home / "legacy"
    new_project = home / "platform" / "stacks" / "network"
    old_project.mkdir()
    new_project.mkdir(parents=True)
    (old_project / ".terraform-version").write_text("0.11.11\n")
    (home / "platform" / ".terraform-version").write_text("1.0.3\n")
    (home / "platform" / ".git").mkdir()

    for project in (old_project, new_project):
        result = bootstrap("terraform", "install", env=env, cwd=project)
        assert result.returncode == 0, result.stderr
    shim = home / ".local" / "bin" / "terraform"
    assert shim.read_text().startswith("#!/bin/sh")
    assert "python" not in shim.read_text().split("exec ")[1]  # the fast path execs terraform itself

    assert "Terraform v0.11.11" in tf(home, old_project, env, "version").stdout
    assert "Terraform v1.0.3" in tf(home, new_project, env, "version").stdout
    traced = subprocess.run(
        ["sh", "-x", str(shim), "version"],
        cwd=new_project,
        env={**os.environ, **env, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"exec {versions_dir(home)}/1.0.3/terraform version" in traced.stderr
    assert "-m bootstrap" not in traced.stderr  # no Python on the hot path
    receipt = json.loads((versions_dir(home) / "1.0.3" / "install.json").read_text())
    assert receipt["verified"] is True and receipt["signed_by"]


def test_required_version_only_project_runs_pinned_version_without_anything_else(
    home: Path, env: dict[str, str]
) -> None:
    bootstrap("terraform", "install", "1.0.3", env=env, cwd=home)
    project = home / "warehouse"
    project.mkdir()
    (project / "versions.tf").write_text('terraform {\n  required_version = "~> 0.11.0"\n}\n')
    first = tf(home, project, env, "version")
    assert first.returncode == 0, first.stderr
    assert "Terraform v0.11.11" in first.stdout
    assert "only through" in first.stderr and "versions.tf:2" in first.stderr
    second = tf(home, project, env, "version")
    assert "Terraform v0.11.11" in second.stdout
    assert "only through" not in second.stderr  # said once


def test_use_writes_terraform_version_and_global_default(home: Path, env: dict[str, str]) -> None:
    project = home / "proj"
    project.mkdir()
    result = bootstrap("terraform", "use", "0.11.11", env=env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / ".terraform-version").read_text() == "0.11.11\n"
    result = bootstrap("terraform", "use", "~> 1.0.0", "--global", env=env, cwd=project)
    assert result.returncode == 0, result.stderr
    assert (home / ".terraform-version").read_text() == "~> 1.0.0\n"
    elsewhere = home / "scratch"
    elsewhere.mkdir()
    assert "Terraform v1.0.3" in tf(home, elsewhere, env, "version").stdout
    assert "Terraform v0.11.11" in tf(home, project, env, "version").stdout
    listed = bootstrap("terraform", "list", env=env, cwd=project)
    assert listed.stdout.splitlines() == ["1.0.3", "0.11.11  (chosen here)"]
    undone = bootstrap("undo", "--yes", env=env, cwd=project)
    assert undone.returncode == 0, undone.stderr
    assert not (home / ".terraform-version").exists()


def test_which_prints_version_first_then_why(home: Path, env: dict[str, str]) -> None:
    project = home / "proj"
    project.mkdir()
    (project / "main.tf").write_text('terraform {\n  required_version = ">= 0.11, < 1.0"\n}\n')
    (project / "extra.tf.json").write_text(json.dumps({"terraform": [{"required_version": "!= 0.11.12"}]}))
    result = bootstrap("terraform", "which", str(project), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "0.11.11"
    assert "not installed" in lines[0]
    assert "~/proj/main.tf:2" in lines[1]
    (project / ".terraform-version").write_text("latest\n")
    result = bootstrap("terraform", "which", str(project), env=env)
    assert result.stdout.splitlines()[0].startswith("9.5.0")
    assert "~/proj/.terraform-version:1 says 'latest'" in result.stdout
    (project / ".terraform-version").write_text("latest:^0\\.\n")
    assert bootstrap("terraform", "which", str(project), env=env).stdout.startswith("0.11.11")
    (project / ".terraform-version").write_text("min-required\n")
    assert bootstrap("terraform", "which", str(project), env=env).stdout.startswith("0.11.11")
    (project / ".terraform-version").write_text("latest-allowed\n")
    assert bootstrap("terraform", "which", str(project), env=env).stdout.startswith("0.11.11")


def test_which_fails_clearly_when_nothing_satisfies(home: Path, env: dict[str, str]) -> None:
    project = home / "proj"
    project.mkdir()
    (project / "main.tf").write_text('terraform {\n  required_version = ">= 10.0"\n}\n')
    result = bootstrap("terraform", "which", str(project), env=env)
    assert result.returncode == 2
    assert "main.tf:2" in result.stderr and ">= 10.0" in result.stderr
    assert "Traceback" not in result.stderr


def test_terragrunt_constraint_and_bad_hcl(home: Path, env: dict[str, str]) -> None:
    project = home / "live"
    project.mkdir()
    (project / "terragrunt.hcl").write_text('terraform_version_constraint = "~> 1.0.0"\n')
    result = bootstrap("terraform", "which", str(project), env=env)
    assert result.stdout.startswith("1.0.3"), result.stderr
    assert "terragrunt.hcl:1" in result.stdout
    (project / "main.tf").write_text("terraform {\n  required_version = \n")
    result = bootstrap("terraform", "which", str(project), env=env)
    assert result.returncode == 2
    assert "main.tf" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_pinned_by_root_hcl_wins_over_the_personal_default(home: Path, env: dict[str, str]) -> None:
    for version in ("0.11.11", "1.0.3"):
        assert bootstrap("terraform", "install", version, env=env, cwd=home).returncode == 0
    assert bootstrap("terraform", "use", "0.11.11", "--global", env=env, cwd=home).returncode == 0
    live = home / "live"
    live.mkdir()
    (live / "root.hcl").write_text('terraform_version_constraint = "~> 1.0.0"\n')
    assert "Terraform v1.0.3" in tf(home, live, env, "version").stdout  # the shim does not take the default
    assert "Terraform v0.11.11" in tf(home, home / "live" / "..", env, "version").stdout


def test_two_installs_racing_make_one_good_install(home: Path, env: dict[str, str]) -> None:
    full = {**os.environ, **env}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bootstrap", "terraform", "install", "1.0.3"],
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    said = [out for out, _ in outputs]
    assert sum("already installed" in out for out in said) == 1  # the loser waited, then found it
    assert sum("Installed and verified" in out for out in said) == 1
    root = versions_dir(home)
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".locks")) == ["1.0.3"]
    assert (
        "Terraform v1.0.3"
        in subprocess.run(
            [str(root / "1.0.3" / "terraform"), "version"], capture_output=True, text=True, check=True
        ).stdout
    )


def test_verify_false_installs_with_a_warning_every_time(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    profile = tmp_path / "team.yaml"
    profile.write_text("schema: 1\ncomponents:\n  terraform: {verify: false}\n")
    for _ in range(2):
        result = bootstrap("terraform", "install", "9.4.0", "--profile", str(profile), env=env)
        assert result.returncode == 0, result.stderr
        assert "NOT checked" in result.stderr
    receipt = json.loads((versions_dir(home) / "9.4.0" / "install.json").read_text())
    assert receipt["verified"] is False


def test_expired_key_signature_made_while_valid_is_accepted_and_said(home: Path, env: dict[str, str]) -> None:
    result = bootstrap("terraform", "install", "9.3.0", env=env)
    assert result.returncode == 0, result.stderr
    assert "has since expired" in result.stderr and "2020-06-01" in result.stderr


# --- faults: each refused with one clear line, nothing installed ----------------------------

FAULTS = [
    ("9.5.0", {"terraform_9.5.0_linux_amd64.zip": "alter"}, "does not match its SHA-256"),
    (
        "9.5.0",
        {"terraform_9.5.0_SHA256SUMS": b"0" * 64 + b"  terraform_9.5.0_linux_amd64.zip\n"},
        "does not match its content",
    ),
    ("9.5.0", {"terraform_9.5.0_SHA256SUMS.sig": "404"}, "is missing"),
    ("9.5.0", {"terraform_9.5.0_SHA256SUMS.sig": b"not a signature"}, "not an OpenPGP signature"),
    ("9.2.0", {}, "not one of the trusted keys"),
    ("9.4.0", {}, "lists no signature"),
    ("9.5.0", {"terraform_9.5.0_linux_amd64.zip": "truncate"}, "stopped after"),
    ("9.5.0", {"terraform_9.5.0_linux_amd64.zip": "404"}, "HTTP 404"),
    ("9.5.0", {"terraform_9.5.0_linux_amd64.zip": "500"}, "HTTP 500"),
    ("9.5.0", {"index.json": "stall"}, "did not answer in time"),
    ("9.0.0", {}, "unsafe path '../evil'"),
    ("9.1.0", {}, "has no build for"),
    ("7.7.7", {}, "does not exist"),
]


@pytest.mark.parametrize(("version", "faults", "message"), FAULTS, ids=[f[2] for f in FAULTS])
def test_faults_are_refused_cleanly(
    home: Path, env: dict[str, str], site: tfmirror.Mirror, version: str, faults: dict[str, object], message: str
) -> None:
    if tfmirror.HERE_ARCH != "amd64" or tfmirror.OS != "linux":
        faults = {k.replace("linux_amd64", f"{tfmirror.OS}_{tfmirror.HERE_ARCH}"): v for k, v in faults.items()}
    pinned.inject(site.faults, site.folder(version), faults)
    site.faults.stall_seconds = 2.5
    result = bootstrap("terraform", "install", version, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    nothing_installed(home, version)
    assert not (home / ".local" / "bin" / "terraform").exists()


def test_unknown_key_without_trusted_keys_names_the_key(home: Path, env: dict[str, str]) -> None:
    result = bootstrap("terraform", "install", "9.5.0", env={**env, "BOOTSTRAP_TERRAFORM_KEYS": ""})
    assert result.returncode == 1
    assert "built-in HashiCorp keys" in result.stderr
    nothing_installed(home, "9.5.0")


# --- offline, cache, plan, doctor ------------------------------------------------------------


def test_index_is_cached_and_offline_resolves_against_installed(
    home: Path, env: dict[str, str], site: tfmirror.Mirror
) -> None:
    assert bootstrap("terraform", "install", "0.11.11", env=env).returncode == 0
    project = home / "p"
    project.mkdir()
    (project / ".terraform-version").write_text("~> 1.0\n")
    assert bootstrap("terraform", "which", env=env, cwd=project).stdout.startswith("1.0.3")
    site.faults.hits.clear()
    assert bootstrap("terraform", "which", env=env, cwd=project).stdout.startswith("1.0.3")
    assert "/terraform/index.json" not in site.faults.hits  # served from the cache
    (project / ".terraform-version").write_text(">= 0.11\n")
    offline = bootstrap("terraform", "which", env={**env, "BOOTSTRAP_OFFLINE": "1"}, cwd=project)
    assert offline.stdout.startswith("0.11.11 (installed)"), offline.stderr


def test_plan_does_not_need_the_network_and_doctor_reports(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    profile = tmp_path / "team.yaml"
    profile.write_text('schema: 1\ncomponents:\n  terraform: {version: "~> 1.0.0"}\n')
    down = {**env, "BOOTSTRAP_TERRAFORM_MIRROR": "http://127.0.0.1:9"}
    plan = bootstrap("plan", "--profile", str(profile), "--only", "terraform", env=down)
    assert plan.returncode == 0, plan.stderr
    assert "Install Terraform ~> 1.0.0" in plan.stdout and "resolved" in plan.stdout
    doctor = bootstrap("doctor", "--json", "--profile", str(profile), "--only", "terraform", env=env, cwd=home)
    checks = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["terraform.shim"]["status"] == "error" and checks["terraform.shim"]["fix"]
    assert checks["terraform.default"]["status"] == "warning"
    run = bootstrap("run", "--yes", "--profile", str(profile), "--only", "terraform", env=env, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    doctor = bootstrap("doctor", "--json", "--profile", str(profile), "--only", "terraform", env=env, cwd=home)
    checks = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["terraform.shim"]["status"] == "ok", checks
    assert checks["terraform.default"]["status"] == "ok", checks
    binary = versions_dir(home) / "1.0.3" / "terraform"
    binary.write_bytes(binary.read_bytes() + b"x")
    doctor = bootstrap("doctor", "--json", "--profile", str(profile), "--only", "terraform", env=env, cwd=home)
    checks = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["terraform.default"]["status"] == "error" and "changed" in checks["terraform.default"]["summary"]
    again = bootstrap("plan", "--profile", str(profile), "--only", "terraform", env=env, cwd=home)
    assert "Install Terraform" not in again.stdout


def test_another_terraform_first_on_path_is_reported(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    need("sh")
    assert bootstrap("terraform", "install", "0.11.11", env=env).returncode == 0
    other = tmp_path / "other-bin"
    tfmirror.copy_binary("0.11.11", other / "terraform")
    shadowed = {**env, "PATH": f"{other}:{env['PATH']}"}
    profile = tmp_path / "team.yaml"
    profile.write_text("schema: 1\ncomponents:\n  terraform: {}\n")
    doctor = bootstrap("doctor", "--json", "--profile", str(profile), "--only", "terraform", env=shadowed, cwd=home)
    checks = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["terraform.shim"]["status"] == "error"
    assert str(other) in checks["terraform.shim"]["summary"]


def test_uninstall(home: Path, env: dict[str, str]) -> None:
    assert bootstrap("terraform", "install", "0.11.11", env=env).returncode == 0
    assert bootstrap("terraform", "uninstall", "0.11.11", env=env).returncode == 0
    nothing_installed(home, "0.11.11")
    missing = bootstrap("terraform", "uninstall", "0.11.11", env=env)
    assert missing.returncode == 2 and "not installed" in missing.stderr


# --- what the person already had, and a release site out of reach ---------------------------


def test_without_a_pin_the_terraform_already_installed_keeps_running(
    home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """A system terraform (here the real 0.11.11, in a folder after ~/.local/bin) runs where
    nothing pins a version and bootstrap installed none; `which` and doctor say so."""
    system = tmp_path / "usr-local-bin"
    tfmirror.copy_binary("0.11.11", system / "terraform")
    had = {**env, "PATH": f"{home / '.local' / 'bin'}:{system}:{os.environ['PATH']}"}
    profile = tmp_path / "team.yaml"
    profile.write_text("schema: 1\ncomponents:\n  terraform: {}\n")
    run = bootstrap("run", "--yes", "--profile", str(profile), "--only", "terraform", env=had, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (home / ".local" / "bin" / "terraform").is_file()
    scratch = home / "scratch"
    scratch.mkdir()
    ran = tf(home, scratch, had, "version")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("Terraform v0.11.11"), ran.stdout
    which = bootstrap("terraform", "which", env=had, cwd=scratch)
    assert which.returncode == 2, which.stderr  # nothing pins one, as tfenv and tenv say; and what runs
    assert "nothing pins a Terraform version for ~/scratch" in which.stderr.splitlines()[0], which.stderr
    assert f"so `terraform` runs {system / 'terraform'} 0.11.11, which was already installed" in which.stderr
    doctor = bootstrap("doctor", "--json", "--profile", str(profile), "--only", "terraform", env=had, cwd=scratch)
    shim = {c["id"]: c for c in json.loads(doctor.stdout)["checks"]}["terraform.shim"]
    assert shim["status"] == "ok", shim
    assert f"using {system / 'terraform'} 0.11.11, which was already installed" in shim["summary"]
    # a pin runs the pinned version, installed from the mirror on first use; elsewhere nothing changed
    project = home / "infra"
    project.mkdir()
    (project / ".terraform-version").write_text("1.0.3\n")
    pinned = tf(home, project, had, "version")
    assert pinned.returncode == 0, pinned.stderr
    assert pinned.stdout.startswith("Terraform v1.0.3"), pinned.stdout
    assert bootstrap("terraform", "which", env=had, cwd=project).stdout.startswith("1.0.3 (installed)")


def test_with_nothing_to_run_the_messages_name_no_made_up_version(home: Path, env: dict[str, str]) -> None:
    bare = {**env, "PATH": f"{home / '.local' / 'bin'}:/usr/bin:/bin"}  # no terraform anywhere
    (home / ".local" / "bin").mkdir(parents=True)
    which = bootstrap("terraform", "which", env=bare, cwd=home)
    assert which.returncode == 2
    assert "bootstrap terraform use VERSION, with a VERSION from `bootstrap terraform list --remote`" in which.stderr
    assert bootstrap("terraform", "install", "0.11.11", env=bare).returncode == 0
    ran = tf(home, home, bare, "version")  # nothing pinned: the newest bootstrap installed
    assert ran.stdout.startswith("Terraform v0.11.11"), ran.stdout + ran.stderr
    assert bootstrap("terraform", "uninstall", "0.11.11", env=bare).returncode == 0
    ran = tf(home, home, bare, "version")
    assert ran.returncode == 1
    assert "no other terraform on your PATH" in ran.stderr and "bootstrap terraform use VERSION" in ran.stderr
    for said in (which.stderr, ran.stderr):
        assert "1.5.7" not in said and "Traceback" not in said


def test_an_unreachable_release_site_leaves_the_install_for_later(
    home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """The run does everything else, lists the download as waiting on the network with the
    command that does it later, and exits 3; `terraform install` says the next step in one line."""
    from tests.support.net import free_port

    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    down = {**env, "BOOTSTRAP_TERRAFORM_MIRROR": closed, "BOOTSTRAP_TERRAGRUNT_MIRROR": closed}
    profile = tmp_path / "team.yaml"
    profile.write_text('schema: 1\ncomponents:\n  terraform: {version: "1.0.3", terragrunt: {version: "0.67.16"}}\n')
    run = bootstrap("run", "--yes", "--profile", str(profile), "--only", "terraform", env=down, cwd=home)
    said = run.stdout + run.stderr
    assert run.returncode == 3, said
    assert "Traceback" not in said and "Errno" not in said
    assert "✓ terraform: Put the terraform command" in run.stdout
    waiting = run.stdout.split("Waiting on the network:", 1)[1]
    assert "Terraform 1.0.3 was not installed: could not reach the Terraform release site 127.0.0.1:" in waiting
    assert "the connection was refused" in waiting and "(set by BOOTSTRAP_TERRAFORM_MIRROR)" in waiting
    assert "bootstrap terraform install '1.0.3' (or bootstrap run --only terraform)" in waiting
    assert "bootstrap terragrunt install 0.67.16" in waiting
    nothing_installed(home, "1.0.3")
    plan = bootstrap("plan", "--profile", str(profile), "--only", "terraform", env=down, cwd=home)
    assert "Install Terraform 1.0.3" in plan.stdout  # still to do, not forgotten
    install = bootstrap("terraform", "install", "1.0.3", env=down)
    assert install.returncode == 1
    line = install.stderr.strip()
    assert "\n" not in line and "Traceback" not in line and "Errno" not in line
    assert line.startswith(f"bootstrap: could not reach the Terraform release site {closed[7:]} (")
    assert "versions already installed keep working offline (bootstrap terraform list)" in line
    # with the site back, the command it named does the job
    later = bootstrap("terraform", "install", "1.0.3", env=env)
    assert later.returncode == 0, later.stderr
    assert "Installed and verified Terraform 1.0.3" in later.stdout
