"""The README's first command on a fresh Debian, as a new non-root user, for each role.

The team profile extends the role and adds what a real team adds: Terraform pinned to a
version of a local signed mirror (and, for data engineers, Terragrunt from a local server in
GitHub's release layout), an AWS role chain checked against a moto server, and a
database password in a `pass` store prepared beforehand. Run alone with
`scripts/test -m fresh_machine`. Needs root and debootstrap (CI has both); the base image is
cached in /var/cache/bootstrap-tests between runs on one machine.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import fresh_machine, ghreleases, tfmirror
from tests.support.aws import moto_server
from tests.support.fresh_machine import USER, Machine, Ran
from tests.support.notebooks import NOTEBOOK

pytestmark = [pytest.mark.fresh_machine, pytest.mark.slow]

ROLES = ("analyst", "data-scientist", "data-engineer")
EMAIL = "ada.lovelace@example.com"
CANARY = "canary-5d41402abc4b2a76b9719d911017c592"
TEAM_PROFILE = """\
schema: 1
description: The team's {role} set-up, as a team would write it
extends: [{role}]
components:
  terraform: {{version: "1.0.3", mirror: "{mirror}", keys: "~/team/mirror.asc"{terragrunt}}}
  shell:
    completions: [terraform]
    env: {{AWS_ENDPOINT_URL: "{moto}"}}  # the team's AWS, played by moto
  aws:
    sso_sessions: {{corp: {{start_url: "https://corp.awsapps.com/start", region: eu-west-1}}}}
    profiles:
      data-dev: {{source_profile: ci, role_arn: "arn:aws:iam::123456789012:role/DataEngineer", region: eu-west-1}}
      data-sso: {{sso_session: corp, account_id: "111122223333", role_name: DataEngineer, region: eu-west-1}}
  secrets:
    backend: pass
    env: {{WAREHOUSE_PASSWORD: "pass://data/warehouse"}}
"""
# The new hire's password store and a machine credential, there before the first day.
PREPARE = f"""set -e
gpg --batch --quiet --passphrase '' --quick-gen-key 'Ada Lovelace <{EMAIL}>' default default never
fpr=$(gpg --list-secret-keys --with-colons | awk -F: '/^fpr/ {{print $10; exit}}')
pass init "$fpr" >/dev/null
printf '%s\\n' '{CANARY}' | pass insert --multiline data/warehouse >/dev/null
mkdir -p ~/.aws
printf '[ci]\\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\\naws_secret_access_key = not-a-real-secret\\n' > ~/.aws/credentials
"""
# What a run may leave behind after everything is undone: the tool itself (its environment,
# run history, answers, caches), software it installed, and the user's shell history.
ALLOWED = (
    "bootstrap",  # the checkout the new hire cloned
    ".local/share/bootstrap",
    ".local/state/bootstrap",
    ".config/bootstrap",
    ".cache",
    ".local/bin/bootstrap",
    ".bash_history",
    ".sudo_as_admin_successful",  # sudo notes its first use here
    ".gnupg",  # gpg-agent's sockets and seed, touched by reading the password store
    ".local/share/uv",  # Python tools the run installed (software stays after undo)
    ".local/pipx",  # the same through pipx, which installs uv itself on a machine without it
    ".terraform.d",  # terraform's own checkpoint file, written by `terraform version`
)
FIGURES: list[str] = []


@pytest.fixture(scope="module")
def caches() -> Path:
    return fresh_machine.downloads()


def _ok(result: Ran, what: str) -> str:
    assert result.returncode == 0, f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _waits_only_on_the_sign_in(result: Ran, what: str) -> None:
    """Unattended, a run never starts `aws sso login`: it does everything else, exits 0 (signing
    in is the person's routine, not a change), and lists the sign-in as the one next step, with
    its command."""
    said = f"{what} (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    assert result.returncode == 0 and "Waiting on" not in result.stdout, said
    waiting = result.stdout.split("Next, for you:", 1)[1]
    assert "aws sso login --sso-session corp" in waiting, said
    assert waiting.count("… ") == 1, said


def _comparable(entries: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    # Folders on the way to an allowed path (~/.local, ~/.local/share) may stay too, and so
    # may the links uv makes in ~/.local/bin to the tools it installed.
    ancestors = {"/".join(p.split("/")[:i]) for p in ALLOWED for i in range(1, p.count("/") + 1)}
    tools = (f"-> /home/{USER}/.local/share/uv/", f"-> /home/{USER}/.local/pipx/venvs/")
    return {k: v for k, v in entries.items() if k not in ancestors and not v[1].startswith(tools)}


def _warm_up(moto: str) -> None:
    # moto loads each service on its first request, and that first answer has been seen to be an
    # HTTP 500 page; the team's real AWS has no such first time, so the test spends it here.
    import botocore.session

    client = botocore.session.get_session().create_client(
        "sts", region_name="eu-west-1", endpoint_url=moto, aws_access_key_id="warm", aws_secret_access_key="up"
    )
    for _ in range(5):
        try:
            client.assume_role(RoleArn="arn:aws:iam::123456789012:role/DataEngineer", RoleSessionName="warm-up")
            return
        except Exception:  # noqa: BLE001 - any failure here is the cold start; the next try decides
            time.sleep(1)


@pytest.fixture(scope="module")
def services(caches: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    """The team's Terraform mirror and AWS (moto), on this machine's loopback, shared by the roles."""
    mirror, keyfile = tfmirror.build(tmp_path_factory.mktemp("mirror"))
    mirror.start()
    try:
        with moto_server() as moto:
            _warm_up(moto)
            yield mirror.url, moto, keyfile
    finally:
        mirror.stop()


# JupyterLab started as the user would, answering on loopback, then stopped; its runtime and
# data files go to /tmp so the home comparison after undo stays exact.
JUPYTER = """export JUPYTER_RUNTIME_DIR=/tmp/jupyter-runtime JUPYTERLAB_WORKSPACES_DIR=/tmp/jupyter-ws
export JUPYTER_DATA_DIR=/tmp/jupyter-data IPYTHONDIR=/tmp/ipython
cd /tmp && jupyter-lab --no-browser --port 8899 --ServerApp.token=t >/tmp/jupyter.log 2>&1 &
server=$!
for _ in $(seq 90); do
    if python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:8899/api').read().decode())" 2>/dev/null; then
        kill $server; wait $server 2>/dev/null; exit 0
    fi
    sleep 1
done
cat /tmp/jupyter.log; kill $server; exit 1
"""


def _role_promises(machine: Machine, role: str) -> None:
    """What each role's description promises a new hire, used as they would use it."""
    if role in ("analyst", "data-scientist"):
        assert '"version"' in _ok(machine.as_user(JUPYTER), "JupyterLab starting")
    if role == "analyst":
        assert "42" in _ok(machine.as_user("duckdb -c 'select 6 * 7 as answer'"), "duckdb")
    if role == "data-scientist":
        commit = (
            "set -e; mkdir /tmp/analysis && cd /tmp/analysis && git init -q && "
            f"printf '%s' {shlex.quote(json.dumps(NOTEBOOK))} > explore.ipynb && git add explore.ipynb && "
            "git commit -qm explore && git show HEAD:explore.ipynb"
        )
        committed = json.loads(_ok(machine.as_user(commit), "committing a notebook"))
        assert committed["cells"][0]["outputs"] == [], committed  # nbstripout, as a git filter
    if role in ("analyst", "data-engineer"):
        lint = "printf 'SELECT a FROM t\n' > /tmp/q.sql && sqlfluff lint --dialect ansi /tmp/q.sql"
        _ok(machine.as_user(lint), "sqlfluff")


@pytest.fixture(scope="module")
def github(caches: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ghreleases.GitHubReleases]:
    """Terragrunt's releases, laid out like GitHub's, on this machine's loopback."""
    site = ghreleases.build(tmp_path_factory.mktemp("github"))
    site.start()
    yield site
    site.stop()


@pytest.mark.parametrize("role", ROLES)
def test_first_day_run_on_a_fresh_debian(
    role: str, tmp_path: Path, caches: Path, services: tuple[str, str, Path], github: ghreleases.GitHubReleases
) -> None:
    mirror, moto, keyfile = services
    grunt = role == "data-engineer"
    terragrunt = (
        f', terragrunt: {{version: "0.67.16", mirror: "{github.mirror}", api: "{github.api}", '
        'keys: "~/team/terragrunt.asc"}'
        if grunt
        else ""
    )
    machine = fresh_machine.fresh(tmp_path, caches)
    fresh_machine.copy_checkout(machine)
    (machine.home / "answers.yaml").write_text(f"name: Ada Lovelace\nemail: {EMAIL}\n")
    team = machine.home / "team"
    team.mkdir()
    (team / f"test-{role}.yaml").write_text(
        TEAM_PROFILE.format(role=role, mirror=mirror, moto=moto, terragrunt=terragrunt)
    )
    (team / "mirror.asc").write_bytes(keyfile.read_bytes())
    assert github.keyfile is not None
    (team / "terragrunt.asc").write_bytes(github.keyfile.read_bytes())
    _ok(machine.as_root(f"chown -R {USER}:{USER} /home/{USER}"), "chown")
    _ok(machine.as_root("apt-get install -y -qq --no-install-recommends pass gnupg >/dev/null"), "pass")
    _ok(machine.as_user(PREPARE), "preparing the password store")
    before = _comparable(fresh_machine.manifest(machine.home, ALLOWED))
    disk_before = fresh_machine.disk_kb(machine.root)

    started = time.monotonic()
    run = machine.as_user(
        # the team's profile is a file it handed over: read and trusted before the first run
        f"cd ~/bootstrap && ./install.sh --no-run && ~/.local/bin/bootstrap profile trust ~/team/test-{role}.yaml "
        f"--yes && ~/.local/bin/bootstrap run --yes --profile ~/team/test-{role}.yaml --answers ~/answers.yaml"
    )
    run_seconds = time.monotonic() - started
    _waits_only_on_the_sign_in(run, "the first-day run (./install.sh)")

    # A new terminal: a login shell that knows PATH only from the user's own start-up files.
    doctor_started = time.monotonic()
    doctor = machine.as_user("bootstrap doctor --json")
    doctor_seconds = time.monotonic() - doctor_started
    report = json.loads(doctor.stdout)
    errors = [c for c in report["checks"] if c["status"] == "error"]
    assert not errors and doctor.returncode == 0, json.dumps(errors, indent=2) + doctor.stderr
    assert report["profile"].endswith(f"test-{role}.yaml") or report["profile"] == f"test-{role}"
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["aws.identity.data-dev"]["status"] == "ok", checks["aws.identity.data-dev"]  # moto answered
    # What needs the network a test does not have (an SSO sign-in in a browser) is a warning
    # and a skip with the one command to run, never an error or a crash.
    assert checks["aws.sso.corp"]["status"] == "warning"
    assert checks["aws.identity.data-sso"]["status"] == "skipped"
    assert checks["aws.identity.data-sso"]["fix"] == "aws sso login --sso-session corp"
    assert _ok(machine.as_user("git config user.email"), "git config").strip() == EMAIL
    assert _ok(machine.as_user("command -v bootstrap"), "PATH").strip() == f"/home/{USER}/.local/bin/bootstrap"
    assert {"data-dev", "data-sso"} <= set(_ok(machine.as_user("aws configure list-profiles"), "aws").split())
    assert "Terraform v1.0.3" in _ok(machine.as_user("cd /tmp && terraform version"), "terraform")
    if grunt:
        assert checks["terraform.terragrunt"]["status"] == "ok", checks["terraform.terragrunt"]  # signature checked
        said = _ok(machine.as_user("cd /tmp && terragrunt --version"), "terragrunt")
        assert said == "terragrunt version v0.67.16\n"
    _ok(machine.as_user("bash -ic 'complete -p bootstrap' </dev/null"), "bootstrap completion in a new bash")
    _role_promises(machine, role)
    check = f'test "$WAREHOUSE_PASSWORD" = {CANARY} && echo the script got its password'
    secrets = machine.as_user(f"bootstrap secrets exec -- sh -c '{check}'")
    assert "the script got its password" in _ok(secrets, "secrets exec")
    for output in (run, doctor, secrets):
        assert CANARY not in output.stdout + output.stderr
    found = machine.as_root(f"grep -rlF {CANARY} /home/{USER} /tmp /var/tmp || true").stdout.split()
    plaintext = [f for f in found if not f.startswith(f"/home/{USER}/bootstrap/")]  # this test's own text
    assert not plaintext, f"the password is written in plain text in: {plaintext}"

    # A second run changes nothing; the SSO sign-in is still the person's to do.
    plan = machine.as_user(f"bootstrap plan --detailed-exitcode --profile ~/team/test-{role}.yaml")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    pending = [line.strip() for line in plan.stdout.splitlines() if line.strip().startswith(("•", "…"))]
    assert len(pending) == 1 and "Sign in to AWS SSO session corp" in pending[0], plan.stdout
    journals = sorted((machine.home / ".local/state/bootstrap/runs").iterdir())
    again = machine.as_user(f"bootstrap run --yes --profile ~/team/test-{role}.yaml --answers ~/answers.yaml")
    _waits_only_on_the_sign_in(again, "the second run")
    assert sorted((machine.home / ".local/state/bootstrap/runs").iterdir()) == journals, again.stdout

    disk_after = fresh_machine.disk_kb(machine.root)
    FIGURES.append(
        f"{role:<15} first-day run {run_seconds:6.1f} s, doctor {doctor_seconds:4.1f} s, "
        f"time to green doctor {run_seconds + doctor_seconds:6.1f} s, "
        f"disk +{(disk_after - disk_before) / 1024:.0f} MiB, peak memory {run.peak_rss_kb / 1024:.0f} MiB"
    )

    # Undo back to the start (the install's PATH lines too: call the tool by its full path).
    for _ in range(20):
        undone = _ok(machine.as_user("~/.local/bin/bootstrap undo --yes"), "undo")
        if "Nothing to undo" in undone:
            break
    else:
        pytest.fail("undo never reached the start")
    after = _comparable(fresh_machine.manifest(machine.home, ALLOWED))
    changed = sorted(set(before.items()) ^ set(after.items()))
    assert not changed, f"undo did not restore the home folder ({len(changed)} differences): {changed[:20]}"
