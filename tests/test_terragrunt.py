"""Terragrunt from a local server in GitHub's release layout: install, pin, list, and every fault refused."""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support import ghreleases, pinned
from tests.support.tfmirror import HERE_ARCH, OS

NAME = f"terragrunt_{OS}_{HERE_ARCH}"


def _tar_member(name: str, kind: bytes = tarfile.REGTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    if kind == tarfile.REGTYPE:
        info.size, info.mode = len(b"escaped"), 0o755
    else:
        info.linkname = "/bin/sh"
    return info


@pytest.fixture(scope="session")
def gh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ghreleases.GitHubReleases]:
    need("gpg")
    site = ghreleases.build(tmp_path_factory.mktemp("github"))
    stranger = site.gpg.new_key("stranger@example.com")
    site.add("0.50.0", signed=False)  # older releases carry no signature
    site.add("0.60.0", signer=stranger)
    site.add("0.61.0", bare=False)  # a mirror that kept only the archives
    site.add("0.62.0", bare=False, tar_members=[_tar_member("../evil")])
    site.add("0.63.0", bare=False, tar_members=[_tar_member(NAME, tarfile.SYMTYPE)])
    site.add("0.68.0-alpha1", prerelease=True)
    site.add("0.69.0", draft=True)
    for minor in range(40, 45):
        site.add(f"0.{minor}.0")
    site.page_size = 4  # the listing takes several pages
    site.start()
    yield site
    site.stop()


@pytest.fixture
def env(gh: ghreleases.GitHubReleases, home: Path) -> dict[str, str]:
    return pinned.served(gh, home, "TERRAGRUNT")


@pytest.fixture
def keyed(env: dict[str, str], gh: ghreleases.GitHubReleases) -> dict[str, str]:
    return {**env, "BOOTSTRAP_TERRAGRUNT_KEYS": str(gh.keyfile)}


def profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(f"schema: 1\ncomponents:\n  terraform:\n    terragrunt: {body}\n")
    return path


PROGRAM = pinned.Program("terragrunt", "terragrunt")
versions_dir, nothing_installed, tg = PROGRAM.versions_dir, PROGRAM.nothing_installed, PROGRAM.typed
checks = pinned.doctor_checks


# --- the main path: a team profile pins a version ------------------------------------------


def test_plan_doctor_run_doctor_with_a_pinned_version(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    team = profile(tmp_path, '{version: "0.67.16"}')
    plan = bootstrap("plan", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert plan.returncode == 0, plan.stderr
    url = f"{gh_url(env)}/gruntwork-io/terragrunt/releases/download/v0.67.16/{NAME}"
    assert f"Install Terragrunt 0.67.16 from {url}" in plan.stdout.replace("\n", "")
    assert "checked against SHA256SUMS only" in plan.stdout
    before = checks(home, env, team)["terraform.terragrunt"]
    assert before["status"] == "error" and before["fix"] == "bootstrap terragrunt install 0.67.16"

    run = bootstrap("run", "--yes", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    assert tg(home, home, env, "--version").stdout == "terragrunt version v0.67.16\n"
    receipt = json.loads((versions_dir(home) / "0.67.16" / "install.json").read_text())
    assert receipt["verified"] is False and receipt["source"].endswith(f"/v0.67.16/{NAME}")
    after = checks(home, env, team)["terraform.terragrunt"]
    assert after["status"] == "info", after
    assert "SHA256SUMS only" in str(after["summary"]) and "terraform.terragrunt.keys" in str(after["fix"])
    again = bootstrap("plan", "--profile", str(team), "--only", "terraform", "--detailed-exitcode", env=env, cwd=home)
    assert again.returncode == 0, again.stdout  # converged

    program = versions_dir(home) / "0.67.16" / "terragrunt"
    program.write_bytes(program.read_bytes() + b"# changed\n")
    changed = checks(home, env, team)["terraform.terragrunt"]
    assert changed["status"] == "error" and "changed" in str(changed["summary"])
    assert "uninstall 0.67.16" in str(changed["fix"])


def gh_url(env: dict[str, str]) -> str:
    return env["BOOTSTRAP_TERRAGRUNT_MIRROR"]


def test_signing_key_in_the_profile_checks_the_signature(
    home: Path, env: dict[str, str], gh: ghreleases.GitHubReleases, tmp_path: Path
) -> None:
    team = profile(tmp_path, f'{{version: "0.67.16", keys: "{gh.keyfile}"}}')
    plan = bootstrap("plan", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert "checked against SHA256SUMS and its signature" in plan.stdout.replace("\n", " ")
    run = bootstrap("run", "--yes", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    receipt = json.loads((versions_dir(home) / "0.67.16" / "install.json").read_text())
    assert receipt["verified"] is True and receipt["signed_by"]
    found = checks(home, env, team)["terraform.terragrunt"]
    assert found["status"] == "ok" and "signature" in str(found["summary"]), found
    assert "SHA256SUMS.gpgsig" in "".join(gh.faults.hits)


def test_key_set_after_an_unchecked_install_asks_for_a_reinstall(
    home: Path, env: dict[str, str], gh: ghreleases.GitHubReleases, tmp_path: Path
) -> None:
    assert bootstrap("terragrunt", "install", "0.67.16", env=env).returncode == 0
    team = profile(tmp_path, f'{{version: "0.67.16", keys: "{gh.keyfile}"}}')
    found = checks(home, env, team)["terraform.terragrunt"]
    assert found["status"] == "warning" and "never checked" in str(found["summary"])


def test_project_pins_pick_the_version_without_python(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    need("sh")
    team = profile(tmp_path, '{version: "0.67.16"}')
    project = home / "live" / "prod" / "vpc"
    project.mkdir(parents=True)
    (home / "live" / ".git").mkdir()
    (home / "live" / ".terragrunt-version").write_text("v0.66.0\n")
    for where in (home, project):
        result = bootstrap("terragrunt", "install", "--profile", str(team), env=env, cwd=where)
        assert result.returncode == 0, result.stderr
    assert "Installed Terragrunt 0.66.0" in result.stdout and "SHA256SUMS only" in result.stdout
    assert tg(home, project, env, "--version").stdout == "terragrunt version v0.66.0\n"
    assert tg(home, home, env, "--version").stdout == "terragrunt version v0.67.16\n"
    shim = home / ".local" / "bin" / "terragrunt"
    traced = subprocess.run(
        ["sh", "-x", str(shim), "plan"],
        cwd=project,
        env={**os.environ, **env, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"exec {versions_dir(home)}/0.66.0/terragrunt plan" in traced.stderr
    assert "-m bootstrap" not in traced.stderr
    which = bootstrap("terragrunt", "which", str(project), "--profile", str(team), env=env)
    assert which.stdout.splitlines() == ["0.66.0 (installed)", "chosen by ~/live/.terragrunt-version:1 says 'v0.66.0'"]
    listed = bootstrap("terragrunt", "list", env=env)
    assert listed.stdout.splitlines() == ["0.67.16", "0.66.0"]


def test_a_pinned_version_not_installed_is_installed_on_first_use(home: Path, env: dict[str, str]) -> None:
    assert bootstrap("terragrunt", "install", "0.67.16", env=env).returncode == 0
    project = home / "other"
    project.mkdir()
    (project / ".terragrunt-version").write_text("0.44.0\n")
    first = tg(home, project, env, "--version")
    assert first.returncode == 0, first.stderr
    assert first.stdout == "terragrunt version v0.44.0\n"
    assert "not installed yet; installing it" in first.stderr
    assert (versions_dir(home) / "0.44.0" / "install.json").is_file()


def test_tarball_only_release_is_unpacked_and_renamed(home: Path, env: dict[str, str]) -> None:
    result = bootstrap("terragrunt", "install", "0.61.0", env=env)
    assert result.returncode == 0, result.stderr
    assert (versions_dir(home) / "0.61.0").exists()
    assert sorted(p.name for p in (versions_dir(home) / "0.61.0").iterdir()) == ["install.json", "terragrunt"]
    assert tg(home, home, env, "--version").stdout == "terragrunt version v0.61.0\n"
    # nothing pins a version and the profile names none: the newest installed runs, from sh alone
    traced = subprocess.run(
        ["sh", "-x", str(home / ".local" / "bin" / "terragrunt"), "--version"],
        cwd=home,
        env={**os.environ, **env, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"exec {versions_dir(home)}/0.61.0/terragrunt --version" in traced.stderr


def test_unsigned_release_installs_by_checksum_when_no_key_is_set(home: Path, env: dict[str, str]) -> None:
    result = bootstrap("terragrunt", "install", "0.50.0", env=env)
    assert result.returncode == 0, result.stderr
    assert "checked against SHA256SUMS only: no signing key is set" in result.stdout


# --- the release list ------------------------------------------------------------------------


def test_listing_follows_pages_and_leaves_out_drafts_and_prereleases(
    home: Path, env: dict[str, str], gh: ghreleases.GitHubReleases
) -> None:
    listed = bootstrap("terragrunt", "list", "--remote", env=env)
    assert listed.returncode == 0, listed.stderr
    versions = listed.stdout.split()
    assert versions[0] == "0.67.16"
    assert "0.69.0" not in versions and "0.68.0-alpha1" not in versions
    assert {"0.40.0", "0.44.0", "0.50.0", "0.66.0"} <= set(versions)
    assert sum("/releases?" in hit for hit in gh.faults.hits) > 3  # several pages
    latest = bootstrap("terragrunt", "install", "latest", env=env)
    assert latest.returncode == 0, latest.stderr
    assert "Installed Terragrunt 0.67.16" in latest.stdout
    gh.faults.hits.clear()
    project = home / "p"
    project.mkdir()
    (project / ".terragrunt-version").write_text("latest\n")
    which = bootstrap("terragrunt", "which", str(project), env=env)
    assert which.stdout.startswith("0.67.16 (installed)"), which.stderr
    assert not any("/api/" in hit for hit in gh.faults.hits)  # the list came from the cache


def test_unreachable_api_for_latest_is_one_clear_line(home: Path, env: dict[str, str]) -> None:
    down = {**env, "BOOTSTRAP_TERRAGRUNT_API": "http://127.0.0.1:9"}
    result = bootstrap("terragrunt", "install", "latest", env=down)
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "could not reach 127.0.0.1:9 for the list of Terragrunt releases (the connection was refused" in line
    assert "(set by BOOTSTRAP_TERRAGRUNT_API)" in line and "keep working offline" in line
    assert "\n" not in line and "Traceback" not in result.stderr and "Errno" not in line


# --- faults: each refused with one clear line, nothing installed ----------------------------

FAULTS = [
    ("0.67.16", {NAME: "alter"}, False, "does not match its SHA-256"),
    ("0.67.16", {NAME: "truncate"}, False, "stopped after"),
    ("0.67.16", {NAME: "404"}, False, "HTTP 404"),
    ("7.7.7", {}, False, "does not exist"),
    ("0.50.0", {}, True, "SHA256SUMS.gpgsig is missing"),
    ("0.67.16", {"SHA256SUMS.gpgsig": b"not a signature"}, True, "not an OpenPGP signature"),
    ("0.67.16", {"SHA256SUMS": b"0" * 64 + f"  {NAME}\n".encode()}, True, "does not match its content"),
    ("0.60.0", {}, True, "not one of the trusted keys"),
    ("0.62.0", {}, False, "unsafe path '../evil'"),
    ("0.63.0", {}, False, f"holds a link '{NAME}'"),
]


@pytest.mark.parametrize(("version", "faults", "with_key", "message"), FAULTS, ids=[f[3] for f in FAULTS])
def test_faults_are_refused_cleanly(
    home: Path,
    env: dict[str, str],
    keyed: dict[str, str],
    gh: ghreleases.GitHubReleases,
    version: str,
    faults: dict[str, object],
    with_key: bool,
    message: str,
) -> None:
    pinned.inject(gh.faults, gh.folder(version), faults)
    result = bootstrap("terragrunt", "install", version, env=keyed if with_key else env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    nothing_installed(home, version)


def test_stranger_key_message_names_gruntwork_not_hashicorp(home: Path, keyed: dict[str, str]) -> None:
    result = bootstrap("terragrunt", "install", "0.60.0", env=keyed)
    assert "Gruntwork" in result.stderr and "HashiCorp" not in result.stderr


# --- bad input: one line, exit 2, nothing touched ---------------------------------------------


@pytest.mark.parametrize("text", ["0.67.x", "0.67", "~> 0.67", "../0.67.16"])
def test_bad_version_on_the_command_line(home: Path, env: dict[str, str], text: str) -> None:
    result = bootstrap("terragrunt", "install", text, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "not a Terragrunt version" in result.stderr
    assert not versions_dir(home).exists()


def test_bad_version_in_the_profile(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    team = profile(tmp_path, '{version: "latest", mirror: "ftp://mirror"}')
    assert bootstrap("profile", "trust", str(team), "--yes", env=env).returncode == 0  # its author trusts it
    before = sorted(home.rglob("*"))
    plan = bootstrap("plan", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert plan.returncode == 1  # as for any component that cannot plan
    assert "cannot plan: terraform.terragrunt.version in the profile: 'latest' is not" in plan.stdout
    assert "Traceback" not in plan.stdout + plan.stderr
    validate = bootstrap("profile", "validate", str(team), env=env)
    assert validate.returncode != 0
    assert "team.yaml:4: 'latest' is not a Terragrunt version" in validate.stdout + validate.stderr
    assert "not a Terragrunt version" in validate.stdout + validate.stderr
    assert "ftp://mirror" in validate.stdout + validate.stderr
    assert sorted(home.rglob("*")) == before


def test_uninstall(home: Path, env: dict[str, str]) -> None:
    assert bootstrap("terragrunt", "install", "0.66.0", env=env).returncode == 0
    assert bootstrap("terragrunt", "install", "0.67.16", env=env).returncode == 0
    assert "v=0.67.16\n" in (home / ".local" / "bin" / "terragrunt").read_text()
    assert bootstrap("terragrunt", "uninstall", "v0.67.16", env=env).returncode == 0
    assert not (versions_dir(home) / "0.67.16").exists()
    assert "v=0.66.0\n" in (home / ".local" / "bin" / "terragrunt").read_text()  # falls back to what is left
    assert tg(home, home, env, "--version").stdout == "terragrunt version v0.66.0\n"
    assert bootstrap("terragrunt", "uninstall", "0.66.0", env=env).returncode == 0
    missing = bootstrap("terragrunt", "uninstall", "0.66.0", env=env)
    assert missing.returncode == 2 and "not installed" in missing.stderr


def test_builtin_data_engineer_role_has_the_command_but_downloads_nothing(
    home: Path, env: dict[str, str], gh: ghreleases.GitHubReleases
) -> None:
    """The role's first day depends on no release site: each project's pin is installed when used."""
    plan = bootstrap("plan", "--profile", "data-engineer", "--only", "terraform", env=env, cwd=home)
    assert plan.returncode == 0, plan.stderr
    assert "terraform command" in plan.stdout and "terragrunt command" in plan.stdout
    assert "Install Terragrunt" not in plan.stdout and "Install Terraform" not in plan.stdout
    run = bootstrap("run", "--yes", "--profile", "data-engineer", "--only", "terraform", env=env, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    assert gh.faults.hits == []
    found = checks(home, env, Path("data-engineer"))["terraform.terragrunt"]
    assert found["status"] == "ok", found
    project = home / "infra"
    project.mkdir()
    (project / ".terragrunt-version").write_text("0.67.16\n")
    assert tg(home, project, env, "--version").stdout == "terragrunt version v0.67.16\n"  # installed on first use


def test_moving_to_a_profile_without_terragrunt_takes_the_command_away_and_lists_the_version(
    home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    team = profile(tmp_path, '{version: "0.67.16"}')
    assert bootstrap("run", "--yes", "--profile", str(team), "--only", "terraform", env=env, cwd=home).returncode == 0
    shim = home / ".local" / "bin" / "terragrunt"
    assert shim.is_file()
    other = tmp_path / "other.yaml"
    other.write_text("schema: 1\ncomponents:\n  terraform: {}\n")
    plan = bootstrap("plan", "--profile", str(other), "--only", "terraform", env=env, cwd=home)
    assert "Remove ~/.local/bin/terragrunt" in plan.stdout, plan.stdout
    assert (
        "Terragrunt 0.67.16 stays installed" in plan.stdout and "bootstrap terragrunt uninstall 0.67.16" in plan.stdout
    )
    moved = bootstrap("run", "--yes", "--profile", str(other), "--only", "terraform", env=env, cwd=home)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert not shim.exists() and (home / ".local" / "bin" / "terraform").is_file()
    assert (versions_dir(home) / "0.67.16" / "terragrunt").is_file()
    assert bootstrap("undo", "--yes", env=env, cwd=home).returncode == 0
    assert tg(home, home, env, "--version").stdout == "terragrunt version v0.67.16\n"


def test_without_a_pin_the_terragrunt_already_installed_keeps_running(
    home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """A terragrunt that was on PATH before (a stand-in script after ~/.local/bin) runs where
    nothing pins a version and bootstrap installed none; `which` says so."""
    system = tmp_path / "usr-local-bin"
    system.mkdir()
    stand_in = system / "terragrunt"
    stand_in.write_text('#!/bin/sh\necho "terragrunt version v0.55.1"\necho "args: $*"\n')
    stand_in.chmod(0o755)
    had = {**env, "PATH": f"{home / '.local' / 'bin'}:{system}:{os.environ['PATH']}"}
    team = profile(tmp_path, "{}")
    run = bootstrap("run", "--yes", "--profile", str(team), "--only", "terraform", env=had, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    ran = tg(home, home, had, "plan", "-x")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "terragrunt version v0.55.1\nargs: plan -x\n"
    which = bootstrap("terragrunt", "which", env=had, cwd=home)
    assert which.returncode == 0, which.stderr
    assert which.stdout.splitlines()[:2] == [
        f"0.55.1 ({stand_in})",
        f"no version pinned here: using {stand_in} 0.55.1, which was already installed",
    ]
    # a pin runs the pinned version (installed on first use), not the one that was there
    project = home / "p"
    project.mkdir()
    (project / ".terragrunt-version").write_text("0.44.0\n")
    assert tg(home, project, had, "--version").stdout == "terragrunt version v0.44.0\n"
