"""SSH keys, the managed block in ~/.ssh/config, and recorded host keys.

ssh finds the home directory in the user database, not in $HOME; so every ssh we run gets
`-F ~/.ssh/config` (as $HOME says) and our block names its files by absolute path. Checks,
and tests with a fake HOME, then look exactly where the run wrote.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from bootstrap.system import files
from bootstrap.system.errors import Failure

if TYPE_CHECKING:
    from bootstrap.profiles.schema import GitHost
    from bootstrap.system.context import Context
    from bootstrap.system.paths import Paths

BLOCK = "ssh"
NEW_KEY = "id_ed25519"
# The default identities ssh itself tries, strongest first: a user who has one keeps it.
KEY_NAMES = ("id_ed25519", "id_ecdsa", "id_rsa")
MIN_PASSPHRASE = 5  # ssh-keygen refuses shorter ones
_PASSPHRASE_VAR = "BOOTSTRAP_SSH_PASSPHRASE"  # noqa: S105 - the name of a variable, not a value


@dataclass(frozen=True)
class Key:
    private: Path

    @property
    def public(self) -> Path:
        return self.private.with_name(self.private.name + ".pub")


def find_key(paths: Paths) -> Optional[Key]:
    """The user's own key, if any: the first of ssh's default identities that exists."""
    for name in KEY_NAMES:
        candidate = paths.ssh_dir / name
        if candidate.exists():
            return Key(candidate)
    return None


def new_key(paths: Paths) -> Key:
    return Key(paths.ssh_dir / NEW_KEY)


def too_open(path: Path) -> bool:
    """ssh refuses a private key that others can read ("UNPROTECTED PRIVATE KEY FILE")."""
    mode = files.mode_of(path)
    return mode is not None and bool(mode & 0o077)


def public_text(key: Key) -> Optional[str]:
    data = files.read(key.public)
    return files.decode(data).strip() if data else None


def blob(public_line: str) -> str:
    """The base64 part of a public key line: what identifies the key."""
    parts = public_line.split()
    return parts[1] if len(parts) > 1 else ""


# --- running ssh ----------------------------------------------------------------------------


def config_argv(paths: Paths) -> list[str]:
    """`-F` with the config of this $HOME; /dev/null when there is none (ssh insists on a file)."""
    return ["-F", str(paths.ssh_config) if paths.ssh_config.exists() else os.devnull]


def batch_options(timeout: int) -> list[str]:
    """Never prompt (checks run unattended) and give up on an unreachable host quickly."""
    return ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={timeout}"]


def git_ssh_command(paths: Paths, timeout: int) -> str:
    return shlex.join(["ssh", *config_argv(paths), *batch_options(timeout)])


def is_encrypted(ctx: Context, key: Key) -> bool:
    """A key with a passphrase cannot be used unattended unless the agent holds it."""
    return not ctx.runner.run(["ssh-keygen", "-y", "-P", "", "-f", key.private], timeout=10).ok


def agent_keys(ctx: Context) -> Optional[list[str]]:
    """The public keys the agent holds; None when no agent answers."""
    if not ctx.env.get("SSH_AUTH_SOCK"):
        return None
    result = ctx.runner.run(["ssh-add", "-L"], timeout=5)
    if result.returncode == 1:  # an agent with no keys
        return []
    if not result.ok:
        return None
    return [line for line in result.stdout.splitlines() if line.strip()]


# --- creating a key -------------------------------------------------------------------------


def ensure_ssh_dir(paths: Paths) -> None:
    """~/.ssh with ssh's required mode; an existing folder is left as the user has it."""
    if not paths.ssh_dir.exists():
        paths.ssh_dir.mkdir(mode=0o700, parents=True)
        os.chmod(paths.ssh_dir, 0o700)  # mkdir's mode is filtered by the umask


def generate(ctx: Context, key: Key, comment: str, passphrase: str) -> None:
    """Create an ed25519 key pair at key, never replacing a file that is already there.

    ssh-keygen writes into a private folder beside the key; the files then get their final
    names with link(2), which fails rather than overwrite. The passphrase reaches ssh-keygen
    through SSH_ASKPASS and the child's environment, never its command line (which every
    user of the machine can read) and never a file.
    """
    ensure_ssh_dir(ctx.paths)
    for path in (key.private, key.public):
        if path.exists() or path.is_symlink():
            raise Failure(f"{ctx.tilde(path)} already exists; bootstrap never replaces a key")
    work = Path(tempfile.mkdtemp(prefix=".bootstrap-key-", dir=key.private.parent))
    try:
        fresh = Key(work / key.private.name)
        argv: list[str] = ["ssh-keygen", "-q", "-t", "ed25519", "-C", comment, "-f", str(fresh.private)]
        env: dict[str, str] = {}
        if passphrase:
            askpass = work / "askpass"
            askpass.write_text(f'#!/bin/sh\nprintf "%s\\n" "${_PASSPHRASE_VAR}"\n', encoding="utf-8")
            os.chmod(askpass, 0o700)
            env = {"SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force", _PASSPHRASE_VAR: passphrase}
        else:
            argv += ["-N", ""]
        result = ctx.runner.run(argv, env=env, timeout=60)
        if not result.ok or not fresh.public.exists():
            raise Failure(f"ssh-keygen could not create the key: {result.explain()}")
        os.link(fresh.private, key.private)
        try:
            os.link(fresh.public, key.public)
        except OSError:
            key.private.unlink()
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- the ~/.ssh/config block ----------------------------------------------------------------


def _quoted(path: Path) -> str:
    text = str(path)
    return f'"{text}"' if re.search(r"\s", text) else text


def unique_hosts(hosts: Sequence[GitHost]) -> list[GitHost]:
    """One entry per host name: ssh would use only the first Host section that sets a value."""
    seen: set[str] = set()
    kept = []
    for host in hosts:
        if host.host.lower() not in seen:
            seen.add(host.host.lower())
            kept.append(host)
    return kept


def config_block(paths: Paths, hosts: Sequence[GitHost], key: Key, macos: bool) -> list[str]:
    lines = ["# Added by bootstrap for your team's git hosts; `bootstrap undo` takes it out again."]
    for host in unique_hosts(hosts):
        lines += [f"Host {host.host}", f"    User {host.user}"]
        if host.port != 22:
            lines.append(f"    Port {host.port}")
        lines += [
            f"    IdentityFile {_quoted(key.private)}",
            f"    UserKnownHostsFile {_quoted(paths.known_hosts)}",
            "    AddKeysToAgent yes",
        ]
        if macos:  # the passphrase goes into the login Keychain; other ssh builds skip the line
            lines += ["    IgnoreUnknown UseKeychain", "    UseKeychain yes"]
    return [*lines, "# What follows applies to every host again.", "Host *"]


def with_config_block(text: str, body: list[str]) -> str:
    """The config text with our block; a new block goes first, since ssh takes each setting
    from the first section that matches. It ends in `Host *`, so lines the user had before
    any Host line still apply to every host, as they did."""
    if files.find_block(text, BLOCK) is not None:
        return files.with_block(text, BLOCK, body)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    nl = files.newline_of(text) if text else "\n"
    return bom + files.with_block("", BLOCK, body, newline=nl) + text[len(bom) :]


def config_mode(path: Path, before: Optional[bytes]) -> Optional[int]:
    """0600 for a new file or one others may write (ssh then refuses it); else the user's mode."""
    if before is None:
        return 0o600
    mode = files.mode_of(path)
    return 0o600 if mode is not None and mode & 0o022 else None


# --- host keys ------------------------------------------------------------------------------


def host_name(host: str, port: int) -> str:
    """How known_hosts names a host: `[host]:port` when the port is not 22."""
    return host if port == 22 else f"[{host}]:{port}"


def host_known(ctx: Context, host: str, port: int) -> bool:
    """Whether known_hosts holds any key for host (hashed entries included)."""
    if not ctx.paths.known_hosts.exists():
        return False
    result = ctx.runner.run(["ssh-keygen", "-F", host_name(host, port), "-f", ctx.paths.known_hosts], timeout=10)
    return result.ok and bool(result.stdout.strip())


def scan(ctx: Context, host: str, port: int, timeout: int = 5) -> list[str]:
    """The host's public keys as known_hosts lines, fetched with ssh-keyscan."""
    result = ctx.runner.run(["ssh-keyscan", "-T", str(timeout), "-p", str(port), host], timeout=timeout + 10)
    return sorted(line for line in result.stdout.splitlines() if line.strip() and not line.startswith("#"))


def fingerprints(ctx: Context, lines: Sequence[str]) -> list[str]:
    """'SHA256:... (ED25519)' for each key line, as `ssh-keygen -l` shows them."""
    if not lines:
        return []
    result = ctx.runner.run(["ssh-keygen", "-l", "-f", "-"], input="\n".join(lines) + "\n", timeout=10)
    shown = []
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            shown.append(f"{parts[1]} {parts[-1]}")
    return shown


def with_host_keys(before: Optional[bytes], lines: Sequence[str]) -> bytes:
    """known_hosts with lines appended; every existing byte stays."""
    text = files.decode(before or b"")
    nl = files.newline_of(text) if text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += nl
    return files.encode(text + "".join(line + nl for line in lines))


# --- the clipboard --------------------------------------------------------------------------


def copy_to_clipboard(ctx: Context, text: str) -> Optional[str]:
    """Put text on the clipboard with the first tool this desktop has; the tool's name, or None."""
    candidates: list[list[str]] = []
    if ctx.platform.os == "darwin":
        candidates.append(["pbcopy"])
    if ctx.env.get("WAYLAND_DISPLAY"):
        candidates.append(["wl-copy"])
    if ctx.env.get("DISPLAY"):
        candidates += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    for argv in candidates:
        if ctx.runner.which(argv[0]) is None:
            continue
        with contextlib.suppress(OSError):
            if ctx.runner.run(argv, input=text, timeout=5).ok:
                return argv[0]
    return None
