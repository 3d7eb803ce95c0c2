"""OpenTofu from a local server in GitHub's release layout (opentofu/opentofu): install, pin per
folder, list, doctor, and every download fault refused with nothing installed.

No OpenTofu binary can be had offline: the server publishes a stand-in `tofu` (a script printing
`OpenTofu vX.Y.Z`) in the real files (`tofu_<v>_<os>_<arch>.zip`, `tofu_<v>_SHA256SUMS`,
`tofu_<v>_SHA256SUMS.gpgsig`), signed with a key made for the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support import ghreleases, pinned
from tests.support.tfmirror import HERE_ARCH, OS
from tests.support.tmux import DONE, Terminal

ZIP = "tofu_{v}_" + f"{OS}_{HERE_ARCH}.zip"


@pytest.fixture(scope="session")
def gh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ghreleases.GitHubReleases]:
    need("gpg")
    site = ghreleases.build(tmp_path_factory.mktemp("opentofu"), layout=ghreleases.OPENTOFU)
    stranger = site.gpg.new_key("stranger@example.com")
    site.add("1.6.0", signer=stranger)
    site.add("1.6.1", signed=False)
    site.add("1.6.2", zip_members={"../evil": b"escaped"})
    site.add("1.6.3", zip_members={"README.md": b"no program here"})
    site.add("1.6.4", platforms=[("solaris", "amd64")])
    site.add("1.9.0-beta1", prerelease=True)
    site.add("1.9.0", draft=True)
    site.page_size = 3  # the listing takes several pages
    site.start()
    yield site
    site.stop()


@pytest.fixture
def env(gh: ghreleases.GitHubReleases, home: Path) -> dict[str, str]:
    return {**pinned.served(gh, home, "TOFU"), "BOOTSTRAP_TOFU_KEYS": str(gh.keyfile)}


def profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(f"schema: 1\ncomponents:\n  terraform:\n    opentofu: {body}\n")
    return path


PROGRAM = pinned.Program("opentofu", "tofu")
versions_dir, nothing_installed, tofu = PROGRAM.versions_dir, PROGRAM.nothing_installed, PROGRAM.typed
checks = pinned.doctor_checks


def said(result: subprocess.CompletedProcess[str]) -> str:
    """What the program said first (its version line), else its error."""
    return result.stdout.splitlines()[0] if result.stdout else result.stderr


# --- the main path: a team profile pins a version ------------------------------------------


def test_plan_run_doctor_with_a_pinned_version(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    team = profile(tmp_path, '{version: "1.8.5"}')
    plan = bootstrap("plan", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert plan.returncode == 0, plan.stderr
    url = f"{env['BOOTSTRAP_TOFU_MIRROR']}/opentofu/opentofu/releases/download/v1.8.5/{ZIP.format(v='1.8.5')}"
    assert f"Install OpenTofu 1.8.5 from {url}" in plan.stdout.replace("\n", "")
    assert "verified against OpenTofu's signature" in plan.stdout
    before = checks(home, env, team)["terraform.opentofu"]
    assert before["status"] == "error" and before["fix"] == "bootstrap tofu install 1.8.5"

    run = bootstrap("run", "--yes", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    assert said(tofu(home, home, env, "version")) == "OpenTofu v1.8.5"
    receipt = json.loads((versions_dir(home) / "1.8.5" / "install.json").read_text())
    assert receipt["verified"] is True and receipt["source"].endswith(f"/v1.8.5/{ZIP.format(v='1.8.5')}")
    after = checks(home, env, team)["terraform.opentofu"]
    assert after["status"] == "ok", after
    assert "SHA256SUMS and its signature" in str(after["summary"])
    again = bootstrap("plan", "--profile", str(team), "--only", "terraform", "--detailed-exitcode", env=env, cwd=home)
    assert again.returncode == 0, again.stdout  # converged

    program = versions_dir(home) / "1.8.5" / "tofu"
    program.write_bytes(program.read_bytes() + b"# changed\n")
    changed = checks(home, env, team)["terraform.opentofu"]
    assert changed["status"] == "error" and "changed" in str(changed["summary"])
    assert changed["fix"] == "bootstrap tofu uninstall 1.8.5 && bootstrap tofu install 1.8.5"


def test_a_constraint_in_the_profile_is_resolved_when_the_run_starts(
    home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    team = profile(tmp_path, '{version: "~> 1.7.0"}')
    plan = bootstrap("plan", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert plan.returncode == 0, plan.stderr
    step = f"Install OpenTofu ~> 1.7.0 from {env['BOOTSTRAP_TOFU_MIRROR']} (verified against OpenTofu's signature)"
    assert step in " ".join(plan.stdout.split())
    before = checks(home, env, team)["terraform.opentofu"]
    assert before["status"] == "error" and before["fix"] == "bootstrap tofu install '~> 1.7.0'"
    run = bootstrap("run", "--yes", "--profile", str(team), "--only", "terraform", env=env, cwd=home)
    assert run.returncode == 0, run.stdout + run.stderr
    assert said(tofu(home, home, env, "version")) == "OpenTofu v1.7.3"
    after = checks(home, env, team)["terraform.opentofu"]
    assert after["status"] == "ok" and str(after["summary"]).startswith("OpenTofu 1.7.3 is installed"), after
    (versions_dir(home) / "1.7.3").rename(versions_dir(home) / "1.8.5")  # nothing satisfies it any more
    moved = checks(home, env, team)["terraform.opentofu"]
    assert (
        moved["status"] == "warning"
        and moved["summary"] == "OpenTofu ~> 1.7.0 (the profile's version) is not installed"
    )


def test_install_says_what_it_did_and_a_second_install_changes_nothing(home: Path, env: dict[str, str]) -> None:
    first = bootstrap("tofu", "install", "1.8.5", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "  ✓ terraform: Put the tofu command in ~/.local/bin/tofu (runs the version each project pins)",
        "Installed and verified OpenTofu 1.8.5 in ~/.local/share/bootstrap/opentofu/versions/1.8.5",
    ]
    shim = (home / ".local" / "bin" / "tofu").read_text()
    assert shim.startswith("#!/bin/sh\n# bootstrap tofu shim") and ".terraform-version" not in shim
    again = bootstrap("tofu", "install", "1.8.5", env=env)
    assert (again.returncode, again.stdout) == (0, "OpenTofu 1.8.5 is already installed.\n")
    assert bootstrap("tofu", "install", "~> 1.7.0", env=env).stdout.startswith("Installed and verified OpenTofu 1.7.3")
    listed = bootstrap("tofu", "list", env=env, cwd=home)
    assert listed.stdout == "1.8.5\n1.7.3\n"


def test_the_real_opentofu_key_is_built_in_and_names_itself(home: Path, env: dict[str, str]) -> None:
    """Without BOOTSTRAP_TOFU_KEYS the shipped OpenTofu key is the judge: the test key is a stranger to it."""
    result = bootstrap("tofu", "install", "1.8.5", env={**env, "BOOTSTRAP_TOFU_KEYS": ""})
    assert result.returncode == 1, result.stdout
    assert "not one of the trusted keys in the built-in OpenTofu keys" in result.stderr
    assert "BOOTSTRAP_TOFU_KEYS" in result.stderr and "HashiCorp" not in result.stderr
    nothing_installed(home, "1.8.5")


# --- which version, per folder ---------------------------------------------------------------


def test_each_folder_runs_its_own_version_through_the_shim(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    for version in ("1.8.5", "1.7.3"):
        assert bootstrap("tofu", "install", version, env=env).returncode == 0
    work = home / "work"
    pinned = work / "pinned"
    required = work / "required"
    legacy = work / "terraform-only"
    plain = work / "plain"
    for folder in (pinned, required, legacy, plain):
        folder.mkdir(parents=True)
    (work / ".git").mkdir()  # the search for a version file stops at the repository root
    (pinned / ".opentofu-version").write_text("1.7.3\n")
    (pinned / "main.tofu").write_text('terraform {\n  required_version = "~> 1.8.0"\n}\n')  # the file wins
    (required / "main.tofu").write_text('terraform {\n  required_version = "~> 1.7.0"\n}\n')
    (legacy / ".terraform-version").write_text("1.8.5\n")  # Terraform's file: never read by tofu

    assert said(tofu(home, pinned, env, "version")) == "OpenTofu v1.7.3"
    assert said(tofu(home, required, env, "version")) == "OpenTofu v1.7.3"
    which = bootstrap("tofu", "which", str(required), env=env)
    assert which.stdout.splitlines()[:2] == [
        "1.7.3 (installed)",
        "chosen by ~/work/required/main.tofu:2 says '~> 1.7.0'",
    ]
    assert "writes a .opentofu-version" in which.stdout

    # nothing pins `legacy` but Terraform's file: the newest installed runs, and which says nothing pins it
    assert said(tofu(home, legacy, env, "version")) == "OpenTofu v1.8.5"
    nothing = bootstrap("tofu", "which", str(legacy), env=env)
    assert nothing.returncode == 2
    assert nothing.stderr.startswith("bootstrap: nothing pins an OpenTofu version for ~/work/terraform-only")
    assert "no .opentofu-version, required_version, or profile default" in nothing.stderr

    use = bootstrap("tofu", "use", "1.7.3", "--global", env=env, cwd=plain)
    assert use.returncode == 0, use.stderr
    assert use.stdout.splitlines()[-1] == "`tofu` now runs OpenTofu 1.7.3 by default."
    assert (home / ".opentofu-version").read_text() == "1.7.3\n"
    assert not (home / ".terraform-version").exists()
    assert said(tofu(home, legacy, env, "version")) == "OpenTofu v1.7.3"
    assert said(tofu(home, plain, env, "version")) == "OpenTofu v1.7.3"
    assert said(tofu(home, pinned, env, "version")) == "OpenTofu v1.7.3"  # the folder's file still wins

    here = bootstrap("tofu", "use", "1.8.5", env=env, cwd=plain)
    assert here.stdout.splitlines()[-1] == "`tofu` now runs OpenTofu 1.8.5 in this folder."
    assert (plain / ".opentofu-version").read_text() == "1.8.5\n"
    assert said(tofu(home, plain, env, "version")) == "OpenTofu v1.8.5"

    # the profile's version comes last: with no file anywhere it decides
    (home / ".opentofu-version").unlink()
    team = profile(tmp_path, '{version: "1.7.3"}')
    decided = bootstrap("tofu", "which", str(legacy), "--profile", str(team), env=env)
    assert decided.stdout.splitlines()[:2] == [
        "1.7.3 (installed)",
        "chosen by the profile's terraform.opentofu.version",
    ]


def test_a_version_pinned_but_not_installed_is_installed_on_first_use(home: Path, env: dict[str, str]) -> None:
    project = home / "infra"
    project.mkdir()
    (project / ".opentofu-version").write_text("1.8.5\n")
    assert bootstrap("tofu", "install", "1.7.3", env=env).returncode == 0  # puts the shim in place
    first = tofu(home, project, env, "version")
    assert first.returncode == 0, first.stderr
    assert said(first) == "OpenTofu v1.8.5"
    assert "OpenTofu 1.8.5 (~/infra/.opentofu-version:1) is not installed yet; installing it." in first.stderr


def test_listing_follows_pages_and_leaves_out_drafts_and_prereleases(home: Path, env: dict[str, str]) -> None:
    assert bootstrap("tofu", "install", "1.7.3", env=env).returncode == 0
    remote = bootstrap("tofu", "list", "--remote", env=env)
    assert remote.returncode == 0, remote.stderr
    lines = remote.stdout.splitlines()
    assert lines[0] == "1.8.5" and "1.7.3  (installed)" in lines
    assert "1.9.0" not in remote.stdout and "1.9.0-beta1" not in remote.stdout
    latest = bootstrap("tofu", "install", "latest", env=env)
    assert latest.stdout.startswith("Installed and verified OpenTofu 1.8.5"), latest.stderr


# --- every fault refused, nothing installed ------------------------------------------------

FAULTS = [
    ("1.8.5", {ZIP.format(v="1.8.5"): "alter"}, "does not match its SHA-256"),
    ("1.8.5", {"tofu_1.8.5_SHA256SUMS": "alter"}, "does not match its content"),
    ("1.8.5", {"tofu_1.8.5_SHA256SUMS.gpgsig": b"not a signature"}, "not an OpenPGP signature"),
    ("1.8.5", {"tofu_1.8.5_SHA256SUMS.gpgsig": "404"}, "tofu_1.8.5_SHA256SUMS.gpgsig is missing"),
    ("1.6.1", {}, "tofu_1.6.1_SHA256SUMS.gpgsig is missing"),
    ("1.6.0", {}, "not one of the trusted keys"),
    ("1.8.5", {ZIP.format(v="1.8.5"): "truncate"}, "stopped after"),
    ("1.8.5", {ZIP.format(v="1.8.5"): "404"}, "HTTP 404"),
    ("1.8.5", {ZIP.format(v="1.8.5"): "500"}, "HTTP 500"),
    ("1.8.5", {"tofu_1.8.5_SHA256SUMS": "stall"}, "did not answer in time"),
    ("1.6.2", {}, "unsafe path '../evil'"),
    ("1.6.3", {}, "holds no `tofu` program"),
    ("1.6.4", {}, "has no build for"),
    ("7.7.7", {}, "does not exist"),
]


@pytest.mark.parametrize(("version", "faults", "message"), FAULTS, ids=[f[2] for f in FAULTS])
def test_faults_are_refused_cleanly(
    home: Path,
    env: dict[str, str],
    gh: ghreleases.GitHubReleases,
    version: str,
    faults: dict[str, object],
    message: str,
) -> None:
    pinned.inject(gh.faults, gh.folder(version), faults)
    gh.faults.stall_seconds = 2.5
    result = bootstrap("tofu", "install", version, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    nothing_installed(home, version)


def test_server_down_is_one_line_naming_the_setting(home: Path, env: dict[str, str]) -> None:
    down = {**env, "BOOTSTRAP_TOFU_MIRROR": "http://127.0.0.1:9/dl", "BOOTSTRAP_TOFU_API": "http://127.0.0.1:9/api"}
    result = bootstrap("tofu", "install", "1.8.5", env=down)
    assert result.returncode == 1
    assert result.stderr.startswith("bootstrap: could not reach the OpenTofu download site 127.0.0.1:9")
    assert "BOOTSTRAP_TOFU_MIRROR" in result.stderr and "bootstrap tofu list" in result.stderr
    listing = bootstrap("tofu", "list", "--remote", env=down)
    assert listing.returncode == 1 and "for the list of OpenTofu releases" in listing.stderr
    nothing_installed(home, "1.8.5")


# --- bad input, uninstall --------------------------------------------------------------------


def test_bad_input_is_one_line_exit_2(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    bad = bootstrap("tofu", "install", "~> nonsense", env=env)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    team = profile(tmp_path, '{version: "~> nonsense", mirror: "ftp://example.com"}')
    checked = bootstrap("profile", "validate", str(team), env=env)
    assert checked.returncode == 2
    assert checked.stderr.splitlines() == [
        f"{team}:4: tofu version: 'nonsense' is not a version (expected something like 1.5.7); write a version "
        "(1.5.7), a constraint (~> 1.5.0), or one of latest, min-required, latest-allowed, latest:<regex>",
        f"{team}:4: 'ftp://example.com' is not a mirror address; use an http(s) URL laid out like https://github.com",
    ]
    assert not versions_dir(home).exists()


def test_uninstall(home: Path, env: dict[str, str]) -> None:
    assert bootstrap("tofu", "install", "1.7.3", env=env).returncode == 0
    gone = bootstrap("tofu", "uninstall", "1.7.3", env=env)
    assert (gone.returncode, gone.stdout) == (0, "Removed OpenTofu 1.7.3.\n")
    again = bootstrap("tofu", "uninstall", "1.7.3", env=env)
    assert again.returncode == 2 and "OpenTofu 1.7.3 is not installed" in again.stderr


def test_moving_to_a_profile_without_opentofu_takes_the_command_away_and_lists_the_version(
    home: Path, env: dict[str, str], tmp_path: Path
) -> None:
    team = profile(tmp_path, '{version: "1.8.5"}')
    assert bootstrap("run", "--yes", "--profile", str(team), "--only", "terraform", env=env, cwd=home).returncode == 0
    shim = home / ".local" / "bin" / "tofu"
    other = tmp_path / "other.yaml"
    other.write_text("schema: 1\ncomponents:\n  terraform: {}\n")
    plan = bootstrap("plan", "--profile", str(other), "--only", "terraform", env=env, cwd=home)
    assert "Remove ~/.local/bin/tofu" in plan.stdout, plan.stdout
    assert "OpenTofu 1.8.5 stays installed" in plan.stdout and "bootstrap tofu uninstall 1.8.5" in plan.stdout
    moved = bootstrap("run", "--yes", "--profile", str(other), "--only", "terraform", env=env, cwd=home)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert not shim.exists() and (versions_dir(home) / "1.8.5" / "tofu").is_file()
    assert bootstrap("undo", "--yes", env=env, cwd=home).returncode == 0
    assert said(tofu(home, home, env, "version")) == "OpenTofu v1.8.5"


# --- what a person sees ----------------------------------------------------------------------


def test_install_at_80_columns(home: Path, env: dict[str, str], tmp_path: Path) -> None:
    """`bootstrap tofu install` in a real terminal: what it did, every word there, nothing cut."""
    need("tmux")
    full = {**os.environ, **env, "HOME": str(home), "TERM": "xterm-256color"}
    full["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full['PATH']}"
    for name in ("COLUMNS", "LINES", "NO_COLOR"):
        full.pop(name, None)
    terminal = Terminal(tmp_path / "tofu.sock", full, home, 80, 24, "bootstrap tofu install 1.8.5")
    try:
        code = terminal.wait()
        rows = terminal.history()
    finally:
        terminal.close()
    printed = [row for row in rows[: next(n for n, row in enumerate(rows) if row.startswith(DONE))] if row]
    assert code == 0, printed
    for row in printed:
        assert "…" not in row and "Traceback" not in row, row  # rows wrapped at 80 columns are joined back
    assert " ".join(" ".join(printed).split()) == (
        "✓ terraform: Put the tofu command in ~/.local/bin/tofu (runs the version each project pins) "
        "Installed and verified OpenTofu 1.8.5 in ~/.local/share/bootstrap/opentofu/versions/1.8.5"
    )


def test_a_prerelease_in_required_version_is_refused_as_opentofu_will(home: Path, env: dict[str, str]) -> None:
    """OpenTofu kept Terraform's rule: no pre-release in required_version, whatever version runs."""
    folder = home / "infra"
    folder.mkdir()
    (folder / "main.tofu").write_text('terraform {\n  required_version = ">= 1.9.0-beta1"\n}\n')
    refused = bootstrap("tofu", "which", str(folder), env=env)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == (
        "bootstrap: ~/infra/main.tofu:2: OpenTofu refuses pre-release versions in required_version "
        "(\"Prerelease version constraints are not supported: 1.9.0-beta1\"); write '>= 1.9.0' there "
        "(to run 1.9.0-beta1 itself, also pin it: `bootstrap tofu use 1.9.0-beta1`)\n"
    )
    (folder / ".opentofu-version").write_text("1.7.3\n")
    chosen = bootstrap("tofu", "which", str(folder), env=env)
    assert chosen.returncode == 0 and chosen.stdout.startswith("1.7.3"), chosen
    assert "warning: ~/infra/main.tofu:2: OpenTofu refuses pre-release versions" in chosen.stderr
    assert "tofu init and plan stop at that line until it says '>= 1.9.0'" in chosen.stderr
    assert not versions_dir(home).exists()  # nothing downloaded to say so
