"""The secrets commands through the real CLI: real pass and GnuPG, a real Secret Service,
the real `bw` for its logged-out path, and fakes of `op` and `bw` for what needs an account."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import bootstrap, need
from tests.support.secrets import Fakes, bw_item, bw_locked_account, keyring_session, op_item, pass_insert

# The child proves it got each value by comparing, so no value needs to be printed
CHILD = [
    sys.executable,
    "-c",
    "import os,sys; want=dict(a.split('=',1) for a in sys.argv[1:]); sys.exit(0 if all(os.environ.get(k)==v for k,v in want.items()) else 9)",
]


def profile(tmp_path: Path, env: dict[str, str], backend: str = "pass") -> Path:
    path = tmp_path / "team.yaml"
    lines = "".join(f'\n      {k}: "{v}"' for k, v in env.items()) or " {}"
    path.write_text(f"extends: [base]\ncomponents:\n  secrets:\n    backend: {backend}\n    env:{lines}\n")
    return path


# --- pass, for real ---------------------------------------------------------------------------


@pytest.fixture
def store(gnupg: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    need("pass")
    from tests.support.secrets import fingerprint

    subprocess.run(["pass", "init", fingerprint()], check=True, capture_output=True)
    return home / ".password-store"


def test_pass_check_exec_and_missing(store: Path, tmp_path: Path) -> None:
    pass_insert("data/warehouse", "w4rehouse-Pw\nuser: etl\nurl: db.internal\n")
    pass_insert("data/api", "api-t0ken\n")
    team = profile(tmp_path, {"WAREHOUSE_PASSWORD": "pass://data/warehouse", "API_TOKEN": "pass://data/api"})

    check = bootstrap("secrets", "check", "--profile", str(team))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "WAREHOUSE_PASSWORD" in check.stdout and "(12 characters)" in check.stdout  # first line only
    assert "w4rehouse" not in check.stdout + check.stderr

    run = bootstrap(
        "secrets",
        "exec",
        "--profile",
        str(team),
        "--",
        *CHILD,
        "WAREHOUSE_PASSWORD=w4rehouse-Pw",
        "API_TOKEN=api-t0ken",
    )
    assert run.returncode == 0, run.stderr
    code = bootstrap("secrets", "exec", "--profile", str(team), "--", sys.executable, "-c", "raise SystemExit(42)")
    assert code.returncode == 42  # the child's exit code, untouched

    missing = profile(tmp_path, {"WAREHOUSE_PASSWORD": "pass://data/warehouse", "DBT_TOKEN": "pass://data/dbt"})
    refused = bootstrap("secrets", "exec", "--profile", str(missing), "--", sys.executable, "-c", "open('ran','w')")
    assert refused.returncode == 1
    assert "DBT_TOKEN" in refused.stderr and "pass://data/dbt" in refused.stderr and "not started" in refused.stderr
    assert not (tmp_path / "ran").exists()
    allowed = bootstrap(
        "secrets", "exec", "--allow-missing", "--profile", str(missing), "--",
        sys.executable, "-c", "import os,sys; sys.exit(0 if 'DBT_TOKEN' not in os.environ and os.environ['WAREHOUSE_PASSWORD']=='w4rehouse-Pw' else 5)",
        env={"DBT_TOKEN": "stale-from-the-shell"},
    )  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr

    check = bootstrap("secrets", "check", "--profile", str(missing))
    assert check.returncode == 1
    assert "missing" in check.stdout and "bootstrap secrets set pass://data/dbt" in check.stdout


def test_pass_key_missing_is_told_apart(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pass_insert("data/warehouse", "pw\n")
    team = profile(tmp_path, {"WAREHOUSE_PASSWORD": "pass://data/warehouse"})
    other = tmp_path / "othergpg"
    other.mkdir(mode=0o700)
    check = bootstrap("secrets", "check", "--profile", str(team), env={"GNUPGHOME": str(other)})
    assert check.returncode == 1
    assert "not signed in" in check.stdout and "gpg --import" in check.stdout


def test_pass_not_installed_and_no_store(tmp_path: Path, home: Path) -> None:
    team = profile(tmp_path, {"WAREHOUSE_PASSWORD": "pass://data/warehouse"})
    empty_path = tmp_path / "emptybin"
    empty_path.mkdir()
    check = bootstrap(
        "secrets", "check", "--profile", str(team), env={"PATH": f"{empty_path}:{Path(sys.executable).parent}"}
    )
    assert check.returncode == 1 and "not installed" in check.stdout and "install" in check.stdout
    need("pass")
    nostore = bootstrap("secrets", "check", "--profile", str(team))
    assert nostore.returncode == 1 and "no password store" in nostore.stdout and "pass init" in nostore.stdout


def test_first_day_run_creates_the_store_and_doctor_confirms(gnupg: Path, home: Path, tmp_path: Path) -> None:
    need("pass")
    team = profile(tmp_path, {"WAREHOUSE_PASSWORD": "pass://data/warehouse"})
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: Ada Lovelace\nemail: ada@example.com\n")
    run = bootstrap("run", "--yes", "--profile", str(team), "--answers", str(answers), "--only", "secrets")
    assert run.returncode == 0, run.stdout + run.stderr
    assert (home / ".password-store" / ".gpg-id").is_file()
    again = bootstrap("plan", "--profile", str(team), "--only", "secrets", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout  # converged

    doctor = json.loads(bootstrap("doctor", "--json", "--only", "secrets").stdout)
    by_id = {c["id"]: c for c in doctor["checks"]}
    assert by_id["secrets.backend.pass"]["status"] == "ok"
    assert by_id["secrets.ref.WAREHOUSE_PASSWORD"]["status"] == "error"
    assert by_id["secrets.ref.WAREHOUSE_PASSWORD"]["fix"] == "bootstrap secrets set pass://data/warehouse"

    stored = bootstrap("secrets", "set", "WAREHOUSE_PASSWORD", input="from-stdin-pw\n")
    assert stored.returncode == 0, stored.stderr
    doctor = json.loads(bootstrap("doctor", "--json", "--only", "secrets").stdout)
    assert {c["id"]: c["status"] for c in doctor["checks"]}["secrets.ref.WAREHOUSE_PASSWORD"] == "ok"
    assert (
        subprocess.run(["pass", "show", "data/warehouse"], capture_output=True, text=True).stdout == "from-stdin-pw\n"
    )


def test_set_never_overwrites_silently(store: Path, tmp_path: Path) -> None:
    pass_insert("data/warehouse", "original\n")
    team = profile(tmp_path, {"WAREHOUSE_PASSWORD": "pass://data/warehouse"})
    refused = bootstrap("secrets", "set", "WAREHOUSE_PASSWORD", "--profile", str(team), input="new-value\n")
    assert refused.returncode == 1 and "--replace" in refused.stderr
    assert subprocess.run(["pass", "show", "data/warehouse"], capture_output=True, text=True).stdout == "original\n"
    replaced = bootstrap(
        "secrets", "set", "WAREHOUSE_PASSWORD", "--replace", "--profile", str(team), input="new-value\n"
    )
    assert replaced.returncode == 0, replaced.stderr
    assert subprocess.run(["pass", "show", "data/warehouse"], capture_output=True, text=True).stdout == "new-value\n"
    empty = bootstrap("secrets", "set", "pass://data/other", "--profile", str(team), input="")
    assert empty.returncode == 2 and "empty" in empty.stderr
    unknown = bootstrap("secrets", "set", "WAREHOUSE_PASWORD", "--profile", str(team), input="x\n")
    assert unknown.returncode == 2 and "did you mean 'WAREHOUSE_PASSWORD'" in unknown.stderr
    # there is no way to pass the value as an argument
    extra = bootstrap("secrets", "set", "WAREHOUSE_PASSWORD", "hunter2", "--profile", str(team), input="x\n")
    assert extra.returncode == 2


def test_env_refs_file_rendered_into_the_child(store: Path, tmp_path: Path) -> None:
    pass_insert("data/warehouse", "s3cr3t-Pw\n")
    refs = tmp_path / ".env.refs"
    refs.write_text(
        "# committed: references only\nWAREHOUSE_HOST=db.internal\n"
        'export DATABASE_URL="postgresql://etl:{{ pass://data/warehouse }}@db.internal/analytics"\n'
    )
    team = profile(tmp_path, {})
    run = bootstrap(
        "secrets", "exec", "--profile", str(team), "--env-file", str(refs), "--",
        *CHILD, "WAREHOUSE_HOST=db.internal", "DATABASE_URL=postgresql://etl:s3cr3t-Pw@db.internal/analytics",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    bad = tmp_path / "bad.env.refs"
    bad.write_text("OK=pass://data/warehouse\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYq3Zx8Tw1Lm0v\n")
    refused = bootstrap("secrets", "exec", "--profile", str(team), "--env-file", str(bad), "--", "true")
    assert refused.returncode == 2
    assert "bad.env.refs:2: AWS_SECRET_ACCESS_KEY holds what looks like a secret" in refused.stderr
    assert "wJalr" not in refused.stderr


# --- 1Password (fake op) ----------------------------------------------------------------------


def test_op_states_told_apart(fakes: Fakes, tmp_path: Path) -> None:
    team = profile(
        tmp_path,
        {
            "WAREHOUSE_PASSWORD": "op://Data/warehouse/password",
            "DUP": "op://Data/dup/password",
            "GONE": "op://Data/nope/password",
        },
        backend="op",
    )
    fakes.op(signed_in=False, items=[])
    out = bootstrap("secrets", "check", "--profile", str(team))
    assert out.returncode == 1 and "not signed in" in out.stdout and "op signin" in out.stdout
    fakes.op(signed_in=True, locked=True, items=[])
    out = bootstrap("secrets", "check", "--profile", str(team))
    assert out.returncode == 1 and "locked" in out.stdout and "unlock the 1Password app" in out.stdout
    fakes.op(
        signed_in=True,
        items=[
            op_item("Data", "warehouse", "a1", password="op-Secret-1"),
            op_item("Data", "dup", "d1", password="x"),
            op_item("Data", "dup", "d2", password="y"),
        ],
    )
    out = bootstrap("secrets", "check", "--profile", str(team))
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.strip()}
    assert "ok" in lines["WAREHOUSE_PASSWORD"]
    assert "ambiguous" in lines["DUP"]
    assert "missing" in lines["GONE"]
    assert "op item list --vault 'Data'" in out.stdout
    good = profile(tmp_path, {"WAREHOUSE_PASSWORD": "op://Data/warehouse/password"}, backend="op")
    run = bootstrap("secrets", "exec", "--profile", str(good), "--", *CHILD, "WAREHOUSE_PASSWORD=op-Secret-1")
    assert run.returncode == 0, run.stderr
    stored = bootstrap("secrets", "set", "op://Data/new/password", "--profile", str(good), input="brand-new\n")
    assert stored.returncode == 0, stored.stderr
    assert "brand-new" not in fakes.argv_logs()
    assert any(
        i["title"] == "new" and i["fields"]["password"] == "brand-new"
        for i in json.loads(fakes.op_db.read_text())["items"]
    )


def test_op_not_installed(tmp_path: Path) -> None:
    team = profile(tmp_path, {"T": "op://Data/x/password"}, backend="op")
    empty = tmp_path / "emptybin"
    empty.mkdir()
    out = bootstrap("secrets", "check", "--profile", str(team), env={"PATH": str(empty)})
    assert out.returncode == 1 and "not installed" in out.stdout and "developer.1password.com" in out.stdout


# --- Bitwarden (real bw when logged out, fake for an account) ------------------------------------


def test_real_bw_logged_out(tmp_path: Path, home: Path) -> None:
    need("bw")
    team = profile(tmp_path, {"T": "bw://warehouse"}, backend="bw")
    out = bootstrap("secrets", "check", "--profile", str(team), env={"BITWARDENCLI_APPDATA_DIR": str(home / ".bw")})
    assert out.returncode == 1, out.stdout
    assert "not logged in to Bitwarden" in out.stdout and "bw login" in out.stdout


def test_real_bw_locked(tmp_path: Path, home: Path) -> None:
    need("bw")
    appdata = home / ".bw"
    bw_locked_account(appdata)
    team = profile(tmp_path, {"T": "bw://warehouse"}, backend="bw")
    out = bootstrap("secrets", "check", "--profile", str(team), env={"BITWARDENCLI_APPDATA_DIR": str(appdata)})
    assert out.returncode == 1, out.stdout
    assert "Bitwarden vault is locked" in out.stdout and 'export BW_SESSION="$(bw unlock --raw)"' in out.stdout


def test_bw_states_told_apart(fakes: Fakes, tmp_path: Path) -> None:
    team = profile(
        tmp_path,
        {
            "PW": "bw://warehouse",
            "USER": "bw://warehouse/username",
            "KEY": "bw://warehouse/api_key",
            "DUP": "bw://dup",
            "GONE": "bw://nope",
        },
        backend="bw",
    )
    fakes.bw(status="locked", items=[])
    out = bootstrap("secrets", "check", "--profile", str(team))
    assert out.returncode == 1 and "locked" in out.stdout and "bw unlock" in out.stdout
    fakes.bw(
        status="unlocked",
        items=[
            bw_item("warehouse", "w1", "bw-Secret-1", api_key="k3y-value"),
            bw_item("dup", "d1", "x"),
            bw_item("dup", "d2", "y"),
        ],
    )
    out = bootstrap("secrets", "check", "--profile", str(team))
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.strip()}
    assert all("ok" in lines[n] for n in ("PW", "USER", "KEY")), out.stdout
    assert "ambiguous" in lines["DUP"] and "missing" in lines["GONE"]
    good = profile(tmp_path, {"PW": "bw://warehouse", "KEY": "bw://w1/api_key"}, backend="bw")
    run = bootstrap("secrets", "exec", "--profile", str(good), "--", *CHILD, "PW=bw-Secret-1", "KEY=k3y-value")
    assert run.returncode == 0, run.stderr
    assert sum(1 for line in fakes.argv_logs().splitlines() if '"list"' in line) == 2  # one batch per command
    fakes.bw(status="unlocked", items="not a list of items: bw answered garbage")
    broken = bootstrap("secrets", "check", "--profile", str(good))
    assert broken.returncode == 1 and "error" in broken.stdout and "Traceback" not in broken.stderr
    fakes.bw(status="unlocked", items=[bw_item("warehouse", "w1", "bw-Secret-1")])
    stored = bootstrap("secrets", "set", "bw://fresh", "--profile", str(good), input="bw-new\n")
    assert stored.returncode == 0, stored.stderr
    assert "bw-new" not in fakes.argv_logs()


# --- the system keyring, a real Secret Service ----------------------------------------------------


def test_keyring_against_gnome_keyring(tmp_path: Path, home: Path) -> None:
    team = profile(tmp_path, {"DB_PASSWORD": "keyring://warehouse/etl"}, backend="keyring")
    cli = [sys.executable, "-m", "bootstrap"]
    missing = keyring_session([*cli, "secrets", "check", "--profile", str(team)], {})
    assert missing.returncode == 1 and "missing" in missing.stdout, missing.stdout + missing.stderr
    stored = keyring_session([*cli, "secrets", "set", "DB_PASSWORD", "--profile", str(team)], {}, input="kr-Secret-9\n")
    assert stored.returncode == 0, stored.stderr
    again = keyring_session([*cli, "secrets", "set", "DB_PASSWORD", "--profile", str(team)], {}, input="other\n")
    assert again.returncode == 1 and "--replace" in again.stderr
    run = keyring_session(
        [*cli, "secrets", "exec", "--profile", str(team), "--", *CHILD, "DB_PASSWORD=kr-Secret-9"], {}
    )
    assert run.returncode == 0, run.stderr
    # the keyring's own file is encrypted: the value is not in it
    for path in (home / ".local" / "share" / "keyrings").iterdir():
        assert b"kr-Secret-9" not in path.read_bytes()


def test_keyring_locked_is_told_apart(tmp_path: Path, home: Path) -> None:
    team = profile(tmp_path, {"DB_PASSWORD": "keyring://warehouse/etl"}, backend="keyring")
    cli = [sys.executable, "-m", "bootstrap"]
    assert (
        keyring_session([*cli, "secrets", "set", "DB_PASSWORD", "--profile", str(team)], {}, input="v\n").returncode
        == 0
    )
    need("dbus-run-session")
    locked = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", 'gnome-keyring-daemon --start --components=secrets >/dev/null; exec "$@"', "sh", *cli, "secrets", "check", "--profile", str(team)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120, env={**os.environ, "DISPLAY": ""},
    )  # fmt: skip
    assert locked.returncode == 1 and "locked" in locked.stdout and "gnome-keyring-daemon --unlock" in locked.stdout


def test_keyring_without_a_secret_service(tmp_path: Path) -> None:
    team = profile(tmp_path, {"DB_PASSWORD": "keyring://warehouse/etl"}, backend="keyring")
    out = bootstrap(
        "secrets", "check", "--profile", str(team), env={"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    )
    assert out.returncode == 1 and "not installed" in out.stdout, out.stdout


def test_scan_command_masks_and_exits_1(tmp_path: Path, home: Path) -> None:
    (home / ".bash_history").write_text("ls\nexport SNOWFLAKE_PASSWORD=Tr0ub4dor-and-3\n")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("[default]\naws_access_key_id = AKIAQ7RZ2KXWM4TB6NVD\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".env").write_text("DB_PASSWORD=pass://data/db\n")
    out = bootstrap("secrets", "scan", cwd=repo)
    assert out.returncode == 1
    assert "~/.bash_history:2: SNOWFLAKE_PASSWORD assignment" in out.stdout
    assert "~/.aws/credentials:2: AWS access key id" in out.stdout
    assert "Tr0ub4dor" not in out.stdout and "AKIAQ7RZ2KXWM4TB6NVD" not in out.stdout
    assert ".env" not in out.stdout
    clean = bootstrap("secrets", "scan", str(repo))
    assert clean.returncode == 0 and "No plaintext secrets found in 1 file" in clean.stdout
    assert bootstrap("secrets", "scan", str(tmp_path / "nope")).returncode == 2


def test_secrets_help_lists_the_commands() -> None:
    out = bootstrap("secrets", "--help")
    assert out.returncode == 0
    for command in ("check", "exec", "scan", "set"):
        assert command in out.stdout


def test_files_created_are_private(store: Path) -> None:
    pass_insert("data/x", "v\n")
    mode = stat.S_IMODE((store / "data" / "x.gpg").stat().st_mode)
    assert mode & 0o077 == 0


def test_pass_locked_key_is_told_apart_from_a_missing_key(gnupg: Path, home: Path, tmp_path: Path) -> None:
    need("pass")
    subprocess.run(
        ["gpg", "--batch", "--passphrase", "correct horse", "--quick-gen-key", "Locked <locked@example.com>", "default", "default", "never"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(["pass", "init", "locked@example.com"], check=True, capture_output=True)
    pass_insert("data/warehouse", "pw\n")
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=True)  # forget any cached passphrase
    team = profile(tmp_path, {"WAREHOUSE_PASSWORD": "pass://data/warehouse"})
    out = bootstrap("secrets", "check", "--profile", str(team), env={"DISPLAY": "", "GPG_TTY": ""})
    assert out.returncode == 1
    assert "locked" in out.stdout and "pass show data/warehouse" in out.stdout, out.stdout


def test_set_on_a_terminal_asks_twice_and_never_echoes(fakes: Fakes, tmp_path: Path) -> None:
    import pexpect

    team = profile(tmp_path, {"API_TOKEN": "op://Data/api/password"}, backend="op")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bootstrap", "secrets", "set", "API_TOKEN", "--profile", str(team)],
        env={**os.environ, "TERM": "xterm"},
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect("Value for API_TOKEN")
        child.sendline("typed-Secret-42")
        child.expect("Once more")
        child.sendline("typed-Secret-42")
        child.expect(pexpect.EOF)
        said = child.before or ""
    finally:
        child.close()
    assert child.exitstatus == 0, said
    assert "typed-Secret-42" not in said and "Saved op://Data/api/password (15 characters)" in said
    items = json.loads(fakes.op_db.read_text())["items"]
    assert [i["fields"]["password"] for i in items] == ["typed-Secret-42"]


def test_keyring_refuses_a_backend_that_keeps_nothing_safe(tmp_path: Path) -> None:
    team = profile(tmp_path, {"DB_PASSWORD": "keyring://warehouse/etl"}, backend="keyring")
    out = bootstrap(
        "secrets", "check", "--profile", str(team), env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    )
    assert out.returncode == 1 and "no safe system keyring" in out.stdout, out.stdout


def test_doctor_quick_scan_names_the_line_not_the_value(tmp_path: Path, home: Path) -> None:
    (home / ".zsh_history").write_text(": 1700000000:0;ls\n: 1700000001:0;export PGPASSWORD=Kx9-warehouse-Pw\n")
    team = profile(tmp_path, {})
    out = bootstrap("doctor", "--json", "--profile", str(team), "--only", "secrets")
    check = {c["id"]: c for c in json.loads(out.stdout)["checks"]}["secrets.plaintext"]
    assert check["status"] == "warning" and "~/.zsh_history:2" in check["summary"]
    assert check["fix"].startswith("bootstrap secrets scan")
    assert "Kx9" not in out.stdout


def test_first_day_run_offers_the_password_managers_cli(tmp_path: Path, home: Path) -> None:
    from bootstrap.components.secrets import component
    from bootstrap.profiles.schema import Profile
    from bootstrap.system.context import Platform, from_environment

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "npm").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "npm").chmod(0o755)
    wanted = Profile.model_validate({"components": {"secrets": {"backend": "bw", "env": {"A": "op://V/i/f"}}}})
    ctx = from_environment({**os.environ, "PATH": str(bin_dir)}, interactive=False)
    linux = [(s.summary, s.commands) for s in component.plan(ctx, wanted)]
    assert linux == [("Install the Bitwarden CLI (bw)", (("npm", "install", "-g", "@bitwarden/cli"),))]
    ctx.platform = Platform("darwin", "arm64")
    mac = [s.commands[0] for s in component.plan(ctx, wanted)]
    assert mac == [("brew", "install", "bitwarden-cli"), ("brew", "install", "--cask", "1password-cli")]
    # installed: nothing to do
    for tool in ("bw", "op"):
        (bin_dir / tool).write_text("#!/bin/sh\n")
        (bin_dir / tool).chmod(0o755)
    assert component.plan(ctx, wanted) == []


def test_a_keyring_nothing_needs_yet_is_information_and_its_fix_names_a_way_that_works(home: Path) -> None:
    """A computer without a desktop keyring: not a problem until a secret lives there."""
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    plain = home / "plain.yaml"
    plain.write_text("schema: 1\ncomponents:\n  secrets: {backend: keyring}\n")
    report = json.loads(bootstrap("doctor", "--json", "--profile", str(plain), "--only", "secrets", env=env).stdout)
    check = {c["id"]: c for c in report["checks"]}["secrets.backend.keyring"]
    assert check["status"] == "info", check
    assert "secrets check --help" not in check["fix"]  # a dead end: it never mentions pass
    assert "backend: pass" in check["fix"] and "desktop session" in check["fix"]
    used = home / "used.yaml"
    used.write_text("schema: 1\ncomponents:\n  secrets: {backend: keyring, env: {DB_PASSWORD: 'keyring://db/me'}}\n")
    report = json.loads(bootstrap("doctor", "--json", "--profile", str(used), "--only", "secrets", env=env).stdout)
    assert {c["id"]: c for c in report["checks"]}["secrets.backend.keyring"]["status"] == "error"
