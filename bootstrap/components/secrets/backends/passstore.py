"""pass, the standard Unix password manager: one GnuPG-encrypted file per entry.

Reading goes straight to gpg with the options `pass show` uses, many entries at once: `pass`
itself is a shell script that adds a bash start-up and several programs to every read, which is
most of its cost. Writing goes through `pass insert`, so the store's own rules (.gpg-id per
folder, git commits when the store is a repository) keep applying.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from bootstrap.components.secrets.backends import Ref, Resolution, Status, concurrently
from bootstrap.system.context import Context
from bootstrap.system.errors import Failure

SCHEME = "pass"
INSTALL = {"macos": "brew install pass", "debian": "sudo apt-get install -y pass", "fedora": "sudo dnf install -y pass"}
# The options `pass show` gives gpg (pass 1.7), plus --batch: we never own a terminal here.
GPG_READ = ("--decrypt", "--quiet", "--yes", "--compress-algo=none", "--no-encrypt-to", "--batch", "--use-agent")


def store_dir(ctx: Context) -> Path:
    configured = ctx.env.get("PASSWORD_STORE_DIR")
    return Path(configured) if configured else ctx.home / ".password-store"


def install_hint(ctx: Context) -> str:
    return INSTALL.get(ctx.platform.family, "install pass (https://www.passwordstore.org)")


def status(ctx: Context) -> Status:
    if ctx.runner.which("pass") is None or ctx.runner.which("gpg") is None:
        return Status("not_installed", "pass is not installed", install_hint(ctx))
    if not (store_dir(ctx) / ".gpg-id").is_file():
        return Status(
            "signed_out",
            f"there is no password store in {ctx.tilde(store_dir(ctx))} yet",
            "bootstrap run --only secrets   (or: pass init YOUR-GPG-KEY-ID)",
        )
    return Status("ok", f"pass store in {ctx.tilde(store_dir(ctx))}")


def entry_file(ctx: Context, ref: Ref) -> Path:
    return store_dir(ctx) / f"{ref.path}.gpg"


def _gpg_options(ctx: Context) -> list[str]:
    return shlex.split(ctx.env.get("PASSWORD_STORE_GPG_OPTS", ""))


def read_one(ctx: Context, ref: Ref) -> Resolution:
    path = entry_file(ctx, ref)
    if ".." in ref.parts or not path.is_file():
        near = _similar(ctx, ref)
        hint = f"; did you mean {near}?" if near else ""
        return Resolution(ref, "not_found", f"{ref} is not in the password store{hint}", f"bootstrap secrets set {ref}")
    result = ctx.runner.run(["gpg", *GPG_READ, *_gpg_options(ctx), path], timeout=120)
    if result.ok:
        # `pass show` prints the whole entry; by convention its first line is the secret
        first = result.stdout.split("\n", 1)[0].rstrip("\r")
        return Resolution(ref, "ok", "resolves", value=first)
    said = result.stderr
    # gpg says "No secret key" both when the key is absent and when it is there but no
    # passphrase prompt could be shown: asking for the key itself tells the two apart
    if "No secret key" in said and not _have_secret_key(ctx, path):
        return Resolution(
            ref,
            "signed_out",
            f"{ref} is encrypted for a GnuPG key this computer does not have",
            "import your key (gpg --import your-key.asc), or ask a teammate to re-encrypt the store for it (pass init KEY-ID)",
        )
    if any(
        s in said
        for s in (
            "No secret key",
            "Inappropriate ioctl",
            "No pinentry",
            "Operation cancelled",
            "Bad passphrase",
            "Timeout",
        )
    ):
        return Resolution(
            ref,
            "locked",
            f"your GnuPG key is locked, so {ref} cannot be read",
            f"pass show {ref.path} >/dev/null   (in a terminal: enter your passphrase once; gpg-agent remembers it)",
        )
    return Resolution(
        ref,
        "error",
        f"gpg could not read {ref}: {ctx.tilde(said.strip().splitlines()[-1] if said.strip() else result.returncode)}",
        "pass show " + ref.path,
    )


def _have_secret_key(ctx: Context, entry: Path) -> bool:
    """Whether a secret key for the nearest .gpg-id of entry is in the keyring."""
    root = store_dir(ctx)
    folder = entry.parent
    while folder != root and root in folder.parents and not (folder / ".gpg-id").is_file():
        folder = folder.parent
    try:
        ids = (folder / ".gpg-id").read_text(encoding="utf-8").split()
    except OSError:
        return False
    result = ctx.runner.run(["gpg", "--batch", "--with-colons", "--list-secret-keys", *ids], timeout=30)
    return result.ok and any(line.startswith("sec") for line in result.stdout.splitlines())


def _similar(ctx: Context, ref: Ref) -> str:
    """Entries whose name differs only by case or folder: the usual reason for a miss."""
    root = store_dir(ctx)
    wanted = ref.parts[-1].lower()
    found = sorted(str(p.relative_to(root))[: -len(".gpg")] for p in root.rglob("*.gpg") if p.stem.lower() == wanted)
    return ", ".join(f"pass://{f}" for f in found[:3])


def resolve(ctx: Context, refs: list[Ref]) -> list[Resolution]:
    return concurrently(refs, lambda r: read_one(ctx, r))


def exists(ctx: Context, ref: Ref) -> bool:
    return entry_file(ctx, ref).is_file()


def store(ctx: Context, ref: Ref, value: str) -> None:
    # --force: we asked the person already; without it pass would ask on a terminal we do not
    # have and, without one, overwrite anyway (the trap this command exists to avoid)
    result = ctx.runner.run(["pass", "insert", "--multiline", "--force", ref.path], input=value + "\n", timeout=120)
    if not result.ok:
        raise Failure(f"pass could not save {ref}: {ctx.tilde(result.explain())}")


def secret_keys(ctx: Context) -> list[tuple[str, str]]:
    """(fingerprint, user id) of each GnuPG secret key, to offer for `pass init`."""
    result = ctx.runner.run(["gpg", "--batch", "--list-secret-keys", "--with-colons"], timeout=30)
    keys: list[tuple[str, str]] = []
    fingerprint = ""
    for line in result.stdout.splitlines() if result.ok else []:
        fields = line.split(":")
        if fields[0] == "sec":
            fingerprint = ""
        elif fields[0] == "fpr" and not fingerprint:
            fingerprint = fields[9]
        elif fields[0] == "uid" and fingerprint:
            keys.append((fingerprint, fields[9]))
            fingerprint = "-"  # one user id per key; the subkeys' fingerprints are not wanted
    return keys
