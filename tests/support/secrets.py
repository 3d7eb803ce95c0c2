"""Real pass with a throw-away GnuPG home, a real Secret Service, and fakes of `op` and `bw`.

The fakes are executables on PATH that keep their vault in a JSON file and log their argv
(so a test can prove no secret ever reached a command line). They answer like the real
tools: `op` prints `[ERROR] YYYY/MM/DD HH:MM:SS message` on stderr and exits 1; `bw` prints
`bw status` JSON and plain error lines.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need

FAKE_OP = r'''#!PYTHON
"""A stand-in for the 1Password CLI (op 2.x) reading its vault from $FAKE_OP_DB."""
import json, os, sys, time

db_path = os.environ["FAKE_OP_DB"]
db = json.load(open(db_path))
with open(db_path + ".argv", "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")

def fail(message):
    sys.stderr.write("[ERROR] " + time.strftime("%Y/%m/%d %H:%M:%S") + " " + message + "\n")
    sys.exit(1)

def session():
    if db.get("locked"):
        fail("error initializing client: authorization prompt dismissed, please try again")
    if not db.get("signed_in"):
        fail("You are not currently signed in. Please run `op signin --help` for instructions")

args = sys.argv[1:]
if args[:1] == ["--version"]:
    print("2.30.0"); sys.exit(0)
if args[:1] == ["whoami"]:
    session()
    print(json.dumps({"url": "acme.1password.com", "email": db.get("email", "ada@example.com"), "user_uuid": "U1", "account_uuid": "A1"}))
    sys.exit(0)
if args[:1] == ["read"]:
    session()
    ref = [a for a in args[1:] if not a.startswith("-")][0]
    vault, item, field = ref[len("op://"):].split("/", 2)
    vaults = {i["vault"] for i in db["items"]}
    if vault not in vaults:
        fail(f"could not read secret '{ref}': could not get item {vault}/{item}: \"{vault}\" isn't a vault in this account. Specify the vault with its ID or name.")
    found = [i for i in db["items"] if i["vault"] == vault and item in (i["title"], i["id"])]
    if not found:
        fail(f"could not read secret '{ref}': could not get item {vault}/{item}: \"{item}\" isn't an item in the \"{vault}\" vault. Specify the item with its UUID, name, or domain.")
    if len(found) > 1:
        lines = "".join(f"\n\t* for the item \"{item}\" in vault {vault}: {i['id']}" for i in found)
        fail(f"could not read secret '{ref}': could not get item {vault}/{item}: More than one item matches \"{item}\". Try again and specify the item by its ID:{lines}")
    fields = found[0]["fields"]
    if field not in fields:
        fail(f"could not read secret '{ref}': item '{vault}/{item}' does not have a field '{field}'")
    sys.stdout.write(fields[field] + ("" if "--no-newline" in args or "-n" in args else "\n"))
    sys.exit(0)
if args[:2] == ["item", "create"]:
    session()
    template = json.loads(sys.stdin.read())
    vault = args[args.index("--vault") + 1]
    item = {"vault": vault, "title": template["title"], "id": "ID%d" % len(db["items"]),
            "fields": {f["id"]: f["value"] for f in template["fields"]}}
    db["items"].append(item)
    json.dump(db, open(db_path, "w"))
    print(json.dumps({"id": item["id"], "title": item["title"]}))
    sys.exit(0)
fail(f"unknown command \"{' '.join(args)}\" for \"op\"")
'''

FAKE_BW = r'''#!PYTHON
"""A stand-in for the Bitwarden CLI reading its vault from $FAKE_BW_DB (unlocked paths)."""
import base64, json, os, sys

db_path = os.environ["FAKE_BW_DB"]
db = json.load(open(db_path))
with open(db_path + ".argv", "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
args = [a for a in sys.argv[1:] if a not in ("--nointeraction", "--raw")]
unlocked = db["status"] == "unlocked" and os.environ.get("BW_SESSION") == db.get("session")
if args[:1] == ["status"]:
    state = "unlocked" if unlocked else ("unauthenticated" if db["status"] == "unauthenticated" else "locked")
    print(json.dumps({"serverUrl": None, "lastSync": "2024-01-01T00:00:00.000Z", "userEmail": "ada@example.com", "userId": "u1", "status": state}))
    sys.exit(0)
if not unlocked:
    sys.stderr.write("You are not logged in." if db["status"] == "unauthenticated" else "Vault is locked.")
    sys.exit(1)
if args[:2] == ["list", "items"]:
    print(json.dumps(db["items"]))
    sys.exit(0)
if args[:2] == ["create", "item"]:
    item = json.loads(base64.b64decode(sys.stdin.read()))
    item["id"] = "id-%d" % len(db["items"])
    db["items"].append(item)
    json.dump(db, open(db_path, "w"))
    print(json.dumps(item))
    sys.exit(0)
sys.stderr.write("Invalid command: " + " ".join(args))
sys.exit(1)
'''


def install_fake(bin_dir: Path, name: str, source: str) -> Path:
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / name
    path.write_text(source.replace("PYTHON", sys.executable, 1))
    path.chmod(0o755)
    return path


def op_item(vault: str, title: str, item_id: str, **fields: str) -> dict[str, Any]:
    return {"vault": vault, "title": title, "id": item_id, "fields": fields}


def bw_item(name: str, item_id: str, password: str, **custom: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "name": name,
        "type": 1,
        "notes": None,
        "login": {"username": "etl", "password": password, "totp": None},
        "fields": [{"name": k, "value": v, "type": 1} for k, v in custom.items()],
    }


class Fakes:
    """op and bw fakes on PATH, and their vault files."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.bin = root / "fakebin"
        install_fake(self.bin, "op", FAKE_OP)
        install_fake(self.bin, "bw", FAKE_BW)
        self.op_db = root / "op.json"
        self.bw_db = root / "bw.json"
        self.op(signed_in=True, items=[])
        self.bw(status="unlocked", items=[])
        monkeypatch.setenv("PATH", f"{self.bin}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("FAKE_OP_DB", str(self.op_db))
        monkeypatch.setenv("FAKE_BW_DB", str(self.bw_db))
        monkeypatch.setenv("BW_SESSION", "session-key")

    def op(self, **state: Any) -> None:
        self.op_db.write_text(json.dumps(state))

    def bw(self, **state: Any) -> None:
        self.bw_db.write_text(json.dumps({"session": "session-key", **state}))

    def argv_logs(self) -> str:
        return "".join(p.read_text() for p in (Path(f"{self.op_db}.argv"), Path(f"{self.bw_db}.argv")) if p.exists())


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    return Fakes(tmp_path, monkeypatch)


@pytest.fixture
def gnupg(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A throw-away GnuPG home with a key made for this test (no passphrase), and its agent
    stopped afterwards. Short path: gpg-agent's socket path must fit in 107 bytes."""
    need("gpg")
    home = Path(tempfile.mkdtemp(prefix="bsg", dir="/tmp"))
    home.chmod(0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Ada Lovelace <ada@example.com>",
            "ed25519",
            "default",
            "never",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["gpg", "--batch", "--passphrase", "", "--quick-add-key", fingerprint(), "cv25519", "encr", "never"],
        check=True,
        capture_output=True,
    )
    yield home
    subprocess.run(["gpgconf", "--kill", "all"], check=False, capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


def fingerprint() -> str:
    out = subprocess.run(
        ["gpg", "--batch", "--with-colons", "--list-secret-keys"], check=True, capture_output=True, text=True
    ).stdout
    return next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))


def pass_insert(path: str, content: str) -> None:
    need("pass")
    subprocess.run(
        ["pass", "insert", "--multiline", "--force", path], input=content, check=True, capture_output=True, text=True
    )


KEYRING_PASSWORD = "keyring-unlock-password"


def keyring_session(argv: list[str], env: dict[str, str], input: str | None = None) -> subprocess.CompletedProcess[str]:
    """argv inside a private D-Bus session with an unlocked GNOME Keyring (the Secret Service);
    both end with the session. The keyring's files live under the test's HOME."""
    need("dbus-run-session")
    need("gnome-keyring-daemon")
    script = (
        'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; '
        'rc=0; "$@" || rc=$?; exit $rc'
    )
    wrapped = ["dbus-run-session", "--", "sh", "-c", script, "sh", *argv]
    return subprocess.run(
        wrapped,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **env, "KEYRING_PASSWORD": KEYRING_PASSWORD},
        timeout=120,
        check=False,
    )


def bw_locked_account(appdata: Path) -> None:
    """A real `bw` data folder for an account that is logged in but locked, written offline:
    the account list, the active account, and an access token that has not expired (bw only
    asks whether one is there; it reaches the server when the vault is used)."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    user = "11111111-2222-3333-4444-555555555555"
    token = (
        f"{part({'alg': 'none', 'typ': 'JWT'})}.{part({'sub': user, 'email': 'ada@example.com', 'exp': 4102444800})}.x"
    )
    appdata.mkdir(parents=True, exist_ok=True)
    (appdata / "data.json").write_text(
        json.dumps(
            {
                "stateVersion": 79,
                "global_environment_environment": {"region": "Self-hosted", "urls": {"base": "http://127.0.0.1:9"}},
                "global_account_accounts": {user: {"email": "ada@example.com", "emailVerified": True, "name": "Ada"}},
                "global_account_activeAccountId": user,
                f"user_{user}_token_accessToken": token,
            }
        )
    )
