"""Which version a folder wants and why: the order of the pins, file and line, bad input."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bootstrap.components.terraform.constraints import parse_version
from bootstrap.components.terraform.pins import VERSION_FILE, NoMatch, Pin, find_pin, resolve
from bootstrap.system import releases
from bootstrap.system.errors import UserError
from tests.conftest import bootstrap
from tests.support.tmux import DONE, Terminal

POOL = [parse_version(v) for v in ("0.11.11", "0.12.31", "1.0.3", "1.5.7", "1.6.0-rc1", "1.6.2")]


def test_version_file_is_searched_up_to_the_repository_root_only(home: Path) -> None:
    (home / "work" / ".terraform-version").parent.mkdir()
    (home / "work" / ".terraform-version").write_text("0.11.11\n")
    repo = home / "work" / "repo"
    deep = repo / "envs" / "prod"
    deep.mkdir(parents=True)
    (repo / ".git").mkdir()
    assert find_pin(deep, home, None) is None  # the file above the repository does not count
    (repo / ".terraform-version").write_text("# team pin\n\n1.0.3\n")
    pin = find_pin(deep, home, None)
    assert pin is not None and pin.spec == "1.0.3" and pin.line == 3 and pin.file == repo / ".terraform-version"


def test_order_project_pins_then_your_default_then_profile(home: Path) -> None:
    project = home / "p"
    project.mkdir()
    (project / ".git").mkdir()
    assert find_pin(project, home, "~> 1.5.0").source == "profile"  # type: ignore[union-attr]
    (home / ".terraform-version").write_text("0.12.31\n")
    assert find_pin(project, home, "~> 1.5.0").source == "your default"  # type: ignore[union-attr]
    (project / "terragrunt.hcl").write_text('terraform_version_constraint = ">= 0.12"\n')
    assert find_pin(project, home, None).source == "terragrunt"  # type: ignore[union-attr]
    (project / "main.tf").write_text(
        'terraform {\n  backend "s3" {}\n}\n\nterraform {\n  required_version = "< 1.6"\n}\n'
    )
    pin = find_pin(project, home, None)
    assert pin is not None and pin.source == "required_version" and pin.line == 6
    assert str(resolve(pin, POOL)) == "1.5.7"
    (project / ".terraform-version").write_text("latest\n")
    pin = find_pin(project, home, None)
    assert pin is not None and pin.source == ".terraform-version"
    assert str(resolve(pin, POOL)) == "1.6.2"  # never a pre-release for `latest`


def test_tf_json_and_several_files_are_anded(home: Path) -> None:
    project = home / "p"
    project.mkdir()
    (project / "a.tf").write_text('terraform {\n  required_version = ">= 0.12"\n}\n')
    (project / "b.tf.json").write_text(json.dumps({"terraform": {"required_version": "< 1.5"}}))
    pin = find_pin(project, home, None)
    assert pin is not None
    assert str(resolve(pin, POOL)) == "1.0.3"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("latest:^0\\.12", "0.12.31"), ("latest:rc", "1.6.0-rc1"), ("1.6.0-rc1", "1.6.0-rc1"), ("v1.0.3", "1.0.3")],
)
def test_keywords_and_exact_pins(home: Path, spec: str, expected: str) -> None:
    (home / "p").mkdir()
    (home / "p" / ".terraform-version").write_text(spec + "\n")
    pin = find_pin(home / "p", home, None)
    assert pin is not None and str(resolve(pin, POOL)) == expected


def test_min_required_and_latest_allowed_read_required_version(home: Path) -> None:
    project = home / "p"
    project.mkdir()
    (project / "versions.tf").write_text('terraform {\n  required_version = ">= 0.12, < 1.6"\n}\n')
    for spec, expected in (("min-required", "0.12.31"), ("latest-allowed", "1.5.7")):
        (project / ".terraform-version").write_text(spec)
        pin = find_pin(project, home, None)
        assert pin is not None and str(resolve(pin, POOL)) == expected


def test_nothing_satisfies_names_the_file_and_line(home: Path) -> None:
    project = home / "p"
    project.mkdir()
    (project / "main.tf").write_text('\nterraform {\n  required_version = "~> 2.0"\n}\n')
    pin = find_pin(project, home, None)
    assert pin is not None
    with pytest.raises(NoMatch, match=r"main\.tf:3: no Terraform release satisfies '~> 2.0'"):
        resolve(pin, POOL)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("main.tf", "terraform {\n  required_version = \n", "Terraform cannot read this file"),
        (
            "main.tf",
            "terraform {\n  required_version = var.v\n}\n",
            "main.tf:2: required_version must be a plain string",
        ),
        ("main.tf", 'terraform {\n  required_version = ">= one"\n}\n', "main.tf:2: 'one' is not a version"),
        ("x.tf.json", "{not json", "not valid JSON"),
        (".terraform-version", "\n# nothing\n", "is empty"),
        (".terraform-version", "lastest\n", "is not a version"),
        (".terraform-version", "latest:(\n", "not a valid regular expression"),
    ],
)
def test_bad_pins_are_one_line_user_errors(home: Path, name: str, content: str, message: str) -> None:
    project = home / "p"
    project.mkdir()
    (project / name).write_text(content)
    with pytest.raises(UserError, match=message) as caught:
        pin = find_pin(project, home, None)
        assert pin is not None
        resolve(pin, POOL)
    assert "\n" not in str(caught.value)


def _zip(entries: dict[str, int]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, mode in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            archive.writestr(info, b"x")
    return zipfile.ZipFile(buffer)


@pytest.mark.parametrize("name", ["../evil", "/etc/evil", "a/../../evil", "..\\evil", "C:/evil"])
def test_zip_slip_paths_are_refused(name: str) -> None:
    with pytest.raises(releases.VerificationError, match="unsafe path"):
        releases.safe_members(_zip({"terraform": 0o100755, name: 0o100644}))


def test_zip_links_are_refused() -> None:
    with pytest.raises(releases.VerificationError, match="symbolic link"):
        releases.safe_members(_zip({"terraform": 0o120777}))


def test_proxies_come_from_the_given_environment() -> None:
    env = {
        "HTTPS_PROXY": "http://proxy:3128",
        "http_proxy": "http://lower:1",
        "HTTP_PROXY": "http://upper:2",
        "NO_PROXY": "corp",
    }
    assert releases.proxies(env) == {"https": "http://proxy:3128", "http": "http://lower:1", "no": "corp"}


def test_checksum_lookup() -> None:
    sums = b"a" * 64 + b"  terraform_1.0.3_linux_amd64.zip\n" + b"b" * 64 + b"  terraform_1.0.3_darwin_arm64.zip\n"
    assert releases.expected_sha256(sums, "terraform_1.0.3_darwin_arm64.zip") == "b" * 64
    with pytest.raises(releases.VerificationError, match="does not list"):
        releases.expected_sha256(sums, "terraform_1.0.3_windows_amd64.zip")


def test_built_in_hashicorp_key() -> None:
    from bootstrap.system import verify

    ring = verify.keyring(None)
    (key,) = ring.keys
    assert key.fingerprint == "c874011f0ab405110d02105534365d9472d7468f"
    assert "c820c6d5cd27ab87" in key.key_ids  # the signing subkey of today's releases
    assert key.expires is not None and key.expires.year == 2030


def test_a_key_file_that_is_not_a_key_is_bad_input(tmp_path: Path) -> None:
    from bootstrap.system import verify

    bad = tmp_path / "keys.asc"
    bad.write_text("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnonsense\n-----END PGP PUBLIC KEY BLOCK-----\n")
    with pytest.raises(UserError, match="is not an OpenPGP public key file") as caught:
        verify.keyring(str(bad))
    assert "\n" not in str(caught.value)
    with pytest.raises(UserError, match="cannot read the signing keys"):
        verify.keyring(str(tmp_path / "missing.asc"))


def test_which_says_the_releases_were_not_reachable_rather_than_that_none_fits(tmp_path: Path) -> None:
    project = tmp_path / "infra"
    project.mkdir()
    (project / "versions.tf").write_text('terraform {\n  required_version = "~> 1.5.0"\n}\n')
    closed = {"BOOTSTRAP_TERRAFORM_MIRROR": "http://127.0.0.1:9", "BOOTSTRAP_TERRAFORM_TIMEOUT": "2"}
    result = bootstrap("terraform", "which", str(project), env=closed)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line.startswith(f"bootstrap: {project}/versions.tf:2: no Terraform release satisfies '~> 1.5.0'")
    assert "among the installed versions, and the list of releases could not be fetched" in line
    assert line.endswith("set the team's mirror (terraform.mirror)") and "Traceback" not in result.stderr


# --- through the CLI, against a local release listing ---------------------------------------

LISTED = ["1.5.7", "1.6.0-rc1", "1.6.2", "1.7.5", "1.8.0-beta1", "1.8.0-rc1"]


@dataclass
class Listing:
    """A release site on 127.0.0.1 that lists versions (no builds), and the paths asked of it."""

    env: dict[str, str]
    asked: list[str]


@pytest.fixture
def listing(tmp_path: Path) -> Iterator[Listing]:
    root = tmp_path / "www"
    (root / "terraform").mkdir(parents=True)
    versions = {v: {"name": "terraform", "version": v, "builds": []} for v in LISTED}
    (root / "terraform" / "index.json").write_text(json.dumps({"name": "terraform", "versions": versions}))
    asked: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: object) -> None:
            asked.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    yield Listing({"BOOTSTRAP_TERRAFORM_MIRROR": url, "BOOTSTRAP_TERRAFORM_TIMEOUT": "5"}, asked)
    server.shutdown()
    server.server_close()


def project(home: Path, files: dict[str, str]) -> Path:
    """A repository in the person's home with these files."""
    folder = home / "infra"
    (folder / ".git").mkdir(parents=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("latest:", "1.8.0-rc1"),  # tfenv's "latest possibly-unstable version"
        ("latest", "1.7.5"),  # a release, never a pre-release
        ("latest:^1\\.6", "1.6.2"),
        ("latest:beta", "1.8.0-beta1"),
    ],
)
def test_which_latest_forms(home: Path, listing: Listing, spec: str, expected: str) -> None:
    folder = project(home, {".terraform-version": f"# the team's choice\n{spec}\n"})
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert first == f"{expected} (not installed yet: bootstrap terraform install {expected})"
    assert second == f"chosen by ~/infra/.terraform-version:2 says '{spec}'"


def test_latest_with_an_empty_pattern_is_a_release_when_the_newest_is_one() -> None:
    pool = [parse_version(v) for v in ("1.5.0-rc1", "1.5.7", "1.6.0-beta1", "1.6.0")]
    assert str(resolve(Pin("latest:", VERSION_FILE), pool)) == "1.6.0"
    assert str(resolve(Pin("latest:", VERSION_FILE), pool[:3])) == "1.6.0-beta1"
    with pytest.raises(NoMatch, match="no Terraform release matches 'latest:'"):
        resolve(Pin("latest:", VERSION_FILE), [])


@pytest.mark.parametrize(
    ("files", "expected", "where"),
    [
        ({"root.hcl": '# shared settings\nterraform_version_constraint = "~> 1.6.0"\n'}, "1.6.2", "root.hcl:2"),
        (
            {"terragrunt.hcl": "inputs = {}\n", "root.hcl": 'terraform_version_constraint = "< 1.6"\n'},
            "1.5.7",
            "root.hcl:1",
        ),
        (
            {
                "terragrunt.hcl": 'terraform_version_constraint = ">= 1.7"\n',
                "root.hcl": 'terraform_version_constraint = "< 1.6"\n',
            },
            "1.7.5",
            "terragrunt.hcl:1",
        ),
        (
            {
                "main.tf": 'terraform {\n  required_version = "~> 1.6.0"\n}\n',
                "root.hcl": 'terraform_version_constraint = "< 1.6"\n',
            },
            "1.6.2",
            "main.tf:2",
        ),
    ],
)
def test_terragrunt_root_hcl_pins_like_terragrunt_hcl(
    home: Path, listing: Listing, files: dict[str, str], expected: str, where: str
) -> None:
    folder = project(home, files)
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == expected
    assert lines[1].startswith(f"chosen by ~/infra/{where} says ")


def test_root_hcl_is_read_in_the_folder_only_and_bad_ones_name_the_file(home: Path, listing: Listing) -> None:
    folder = project(home, {"root.hcl": 'terraform_version_constraint = "~> 1.6.0"\n', "live/app/terragrunt.hcl": ""})
    result = bootstrap("terraform", "which", str(folder / "live" / "app"), env=listing.env)
    assert result.returncode == 2 and "nothing pins a Terraform version for ~/infra/live/app" in result.stderr
    (folder / "root.hcl").write_text("terraform_version_constraint = local.tf\n")
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(
        f"bootstrap: {folder}/root.hcl:1: terraform_version_constraint must be a plain string"
    )
    (folder / "root.hcl").write_text('terraform_version_constraint = "~> 1.6.0\n')
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 2 and "root.hcl: Terraform cannot read this file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("constraint", "named", "fixed"),
    [
        (">= 1.6.0-rc1", "1.6.0-rc1", ">= 1.6.0"),
        ("= 1.8.0-beta1", "1.8.0-beta1", "= 1.8.0"),
        ("> 1.6.0-rc1, <= 1.8.0-rc1", "1.6.0-rc1", ">= 1.6.0, < 1.8.0"),
    ],
)
def test_a_pre_release_in_required_version_is_refused_where_it_pins(
    home: Path, listing: Listing, constraint: str, named: str, fixed: str
) -> None:
    folder = project(
        home,
        {
            "a.tf": 'terraform {\n  required_version = ">= 1.0"\n}\n',
            "b.tf": f'# pinned for the new provider\nterraform {{\n  required_version = "{constraint}"\n}}\n',
        },
    )
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"bootstrap: ~/infra/b.tf:3: Terraform refuses pre-release versions in required_version "
        f"(\"Prerelease version constraints are not supported: {named}\"); write '{fixed}' there "
        f"(to run {named} itself, also pin it: `bootstrap terraform use {named}`)\n"
    )
    result = bootstrap("terraform", "install", env=listing.env, cwd=folder)
    assert result.returncode == 2 and "~/infra/b.tf:3: Terraform refuses pre-release versions" in result.stderr
    assert listing.asked == []  # refused before asking the release site anything
    assert not (home / ".local" / "share" / "bootstrap" / "terraform" / "versions").exists()


@pytest.mark.parametrize(
    ("pin", "expected", "chooser"),
    [
        ("min-required\n", "1.6.2", "~/infra/.terraform-version:1"),  # tfenv's keyword reads it
        ("latest-allowed\n", "1.7.5", "~/infra/.terraform-version:1"),
        ("1.7.5\n", "1.7.5", "~/infra/.terraform-version:1"),
    ],
)
def test_a_pre_release_in_required_version_is_a_warning_when_something_else_chooses(
    home: Path, listing: Listing, pin: str, expected: str, chooser: str
) -> None:
    folder = project(
        home,
        {".terraform-version": pin, "main.tf": 'terraform {\n  required_version = ">= 1.6.0-rc1, < 1.8"\n}\n'},
    )
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split()[0] == expected
    assert result.stderr == (
        "warning: ~/infra/main.tf:2: Terraform refuses pre-release versions in required_version "
        '("Prerelease version constraints are not supported: 1.6.0-rc1"); '
        f"{chooser} still chooses the version, but terraform init and plan stop at that line "
        "until it says '>= 1.6.0, < 1.8'\n"
    )


def test_no_warning_without_a_pre_release_or_when_terraform_cannot_read_the_file(home: Path, listing: Listing) -> None:
    folder = project(
        home, {".terraform-version": "1.7.5\n", "main.tf": 'terraform {\n  required_version = "~> 1.7"\n}\n'}
    )
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 0 and result.stderr == ""
    (folder / "main.tf").write_text("terraform {\n  required_version = \n")
    result = bootstrap("terraform", "which", str(folder), env=listing.env)
    assert result.returncode == 0 and result.stderr == ""  # the pin stands; terraform reports its own file
    assert result.stdout.startswith("1.7.5 ")


def test_what_a_person_sees_at_80_columns(home: Path, listing: Listing, tmp_path: Path) -> None:
    """The warning and the refusal in a real terminal: every word there, nothing cut, the version first."""
    folder = project(
        home,
        {".terraform-version": "min-required\n", "main.tf": 'terraform {\n  required_version = ">= 1.6.0-rc1"\n}\n'},
    )
    env = {**os.environ, **listing.env, "TERM": "xterm-256color"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for name in ("COLUMNS", "LINES", "NO_COLOR"):
        env.pop(name, None)

    def on_screen(command: str, socket: str) -> tuple[int, list[str]]:
        terminal = Terminal(tmp_path / socket, env, folder, 80, 24, command)
        try:
            code = terminal.wait()
            rows = terminal.history()
        finally:
            terminal.close()
        printed = [row for row in rows[: next(n for n, row in enumerate(rows) if row.startswith(DONE))] if row]
        for row in printed:
            assert "…" not in row and "Traceback" not in row, row
        return code, printed

    code, printed = on_screen("bootstrap terraform which", "warning.sock")
    assert code == 0
    text = " ".join(" ".join(printed).split())
    assert text.startswith(
        "warning: ~/infra/main.tf:2: Terraform refuses pre-release versions in required_version "
        '("Prerelease version constraints are not supported: 1.6.0-rc1"); ~/infra/.terraform-version:1 '
        "still chooses the version, but terraform init and plan stop at that line until it says '>= 1.6.0'"
    )
    assert "1.6.2 (not installed yet: bootstrap terraform install 1.6.2)" in printed

    (folder / ".terraform-version").unlink()
    code, printed = on_screen("bootstrap terraform which", "refusal.sock")
    assert code == 2
    assert " ".join(" ".join(printed).split()) == (
        "bootstrap: ~/infra/main.tf:2: Terraform refuses pre-release versions in required_version "
        "(\"Prerelease version constraints are not supported: 1.6.0-rc1\"); write '>= 1.6.0' there "
        "(to run 1.6.0-rc1 itself, also pin it: `bootstrap terraform use 1.6.0-rc1`)"
    )
