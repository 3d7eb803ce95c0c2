"""A fresh Debian machine for end-to-end tests: debootstrap once, cached, one tree per test.

The base image is what a new hire's Debian laptop has before anyone touched it: a minimal
bookworm with Python, sudo and a user account, and nothing of ours. Each test unpacks a fresh
copy, and runs commands in it as that user through `su -` (a real login shell, so PATH comes
from the user's own start-up files, as in a new terminal). Mounts live in a private mount
namespace (`unshare --mount`), so they vanish with the command even when a test is killed.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from tests.support.tmux import Terminal

SUITE = "bookworm"
MIRROR = os.environ.get("BOOTSTRAP_TEST_DEBIAN_MIRROR", "http://deb.debian.org/debian")
# A laptop has these before the first day; git, jq and the rest are for bootstrap to install.
INCLUDE = ("python3", "python3-venv", "sudo", "ca-certificates", "locales-all", "procps")
USER = "newhire"
# Valid for a week: older package lists would miss security updates and fail to download.
MAX_AGE = 7 * 24 * 3600
CACHE = Path(os.environ.get("BOOTSTRAP_TEST_DEBIAN_CACHE", "/var/cache/bootstrap-tests"))


def usable() -> Optional[str]:
    """Why this machine cannot build a fresh Debian, or None when it can."""
    if os.geteuid() != 0:
        return "building a fresh Debian needs root (debootstrap and chroot)"
    for tool in ("debootstrap", "unshare", "chroot"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (.ci/run installs it)"
    return None


def downloads() -> Path:
    """The download caches the fresh machines share; skips the test where none can be built
    (fails it in CI, where every test must run)."""
    import pytest

    from tests.conftest import IN_CI

    why = usable()
    if why is not None:
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)
    path = CACHE / "downloads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key() -> str:
    recipe = f"{SUITE} {MIRROR} minbase {' '.join(INCLUDE)} user={USER} v3"
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def base_image() -> Path:
    """The cached tarball of the base machine, built when missing, stale or damaged."""
    CACHE.mkdir(parents=True, exist_ok=True)
    image = CACHE / f"{SUITE}-{_key()}.tar"
    stamp = image.with_suffix(".sha256")
    fresh_enough = image.is_file() and stamp.is_file() and time.time() - image.stat().st_mtime < MAX_AGE
    if fresh_enough and stamp.read_text().strip() == _sha256(image):
        return image
    for stale in CACHE.glob(f"{SUITE}-*.tar"):
        stale.unlink()
    build = CACHE / f"build-{os.getpid()}"
    shutil.rmtree(build, ignore_errors=True)
    try:
        subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(INCLUDE)}", SUITE, str(build), MIRROR],
            check=True,
            capture_output=True,
            timeout=1200,
        )
        shutil.copy("/etc/resolv.conf", build / "etc" / "resolv.conf")  # apt-get update below
        _in_root(
            build,
            f"""
            set -e
            useradd --create-home --shell /bin/bash --groups sudo {USER}
            echo '{USER} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/{USER}
            chmod 0440 /etc/sudoers.d/{USER}
            apt-get update -qq
            """,
        )
        partial = image.with_suffix(".partial")
        subprocess.run(["tar", "-cf", str(partial), "--numeric-owner", "-C", str(build), "."], check=True)
        stamp.write_text(_sha256(partial) + "\n")
        partial.rename(image)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return image


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _in_root(
    root: Path, script: str, *, binds: tuple[tuple[Path, str], ...] = (), timeout: float = 1800, offline: bool = False
) -> Ran:
    return _measured(_argv(root, script, binds, offline), timeout)


def _argv(root: Path, script: str, binds: tuple[tuple[Path, str], ...], offline: bool) -> list[str]:
    mounts = [
        f"mount --rbind /dev {shlex.quote(str(root / 'dev'))}",
        f"mount -t proc proc {shlex.quote(str(root / 'proc'))}",
        f"mount --rbind /sys {shlex.quote(str(root / 'sys'))}",
    ]
    for source, target in binds:
        inside = root / target.lstrip("/")
        inside.mkdir(parents=True, exist_ok=True)
        mounts.append(f"mount --bind {shlex.quote(str(source))} {shlex.quote(str(inside))}")
    if offline:  # a network namespace of its own: loopback only, no route out of the machine
        mounts.append("ip link set lo up")
    outer = " && ".join(mounts) + f" && exec chroot {shlex.quote(str(root))} /bin/sh -c {shlex.quote(script)}"
    # A PID namespace too: daemons a command leaves behind (gpg-agent) end with it.
    net = ["--net"] if offline else []
    return ["unshare", "--mount", "--pid", *net, "--fork", "--", "/bin/sh", "-c", outer]


ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str
    peak_rss_kb: int  # the largest process of the command, from the kernel's own accounting


def _measured(argv: list[str], timeout: float) -> Ran:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=ENV)
        deadline = time.monotonic() + timeout
        while True:
            # wait4, not wait: it returns this command's own resource usage (peak memory).
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Ran(
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_maxrss,
        )


@dataclass
class Machine:
    """One fresh machine: a root folder, the new hire's account, shared download caches."""

    root: Path
    caches: Path
    user: str = USER  # whose home and login shell as_user means
    offline: bool = False  # the user's commands run with no route out of the machine

    @property
    def home(self) -> Path:
        return self.root / "home" / self.user

    def inside(self, path: Path) -> str:
        return "/" + str(path.relative_to(self.root))

    def as_root(self, script: str, timeout: float = 1800) -> Ran:
        return _in_root(self.root, script, binds=self._binds(), timeout=timeout)

    def as_user(self, script: str, timeout: float = 1800) -> Ran:
        """Run in a new login shell of the user, as a new terminal would."""
        return _in_root(self.root, self._login(script), binds=self._binds(), timeout=timeout, offline=self.offline)

    def terminal(self, script: str, socket: Path, columns: int = 80, rows: int = 24) -> Terminal:
        """The user's login shell running script in a real terminal (tmux), for a test to read and answer.

        `su --pty`: a plain `su -c` starts the command in a session without a controlling
        terminal, where sudo cannot ask for a password; a person's terminal has one."""
        argv = _argv(self.root, self._login(script, "--pty"), self._binds(), self.offline)
        return Terminal(socket, {**ENV, "TERM": "xterm-256color"}, self.root, columns, rows, shlex.join(argv))

    def _login(self, script: str, *options: str) -> str:
        return shlex.join(["exec", "su", *options, "-", self.user, "-c", script])

    def _binds(self) -> tuple[tuple[Path, str], ...]:
        return (
            (self.caches / "apt", "/var/cache/apt/archives"),
            (self.caches / "pip", "/var/cache/test-pip"),
            (self.caches / "uv", "/var/cache/test-uv"),
            (self.caches / "wheels", "/var/cache/test-wheels"),
        )


def fresh(workdir: Path, caches: Path) -> Machine:
    """A new machine unpacked from the cached base image, with download caches shared across tests."""
    image = base_image()
    root = workdir / "root"
    root.mkdir()
    subprocess.run(["tar", "-xpf", str(image), "--numeric-owner", "-C", str(root)], check=True)
    shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")
    # what Debian's installer writes and debootstrap's minbase leaves out: localhost and the
    # machine's own name resolve without asking a name server (sudo looks its host name up)
    (root / "etc" / "hosts").write_text(f"127.0.0.1 localhost\n127.0.1.1 {socket.gethostname()}\n::1 localhost\n")
    for name in ("apt", "pip", "uv", "wheels"):
        (caches / name).mkdir(parents=True, exist_ok=True)
    (caches / "apt" / "partial").mkdir(exist_ok=True)
    # System-wide settings, outside the user's home, so the home comparison stays exact.
    (root / "etc" / "pip.conf").write_text(
        "[global]\ncache-dir = /var/cache/test-pip\ncert = /etc/ssl/certs/ca-certificates.crt\n"
    )
    (root / "etc" / "uv").mkdir(exist_ok=True)
    (root / "etc" / "uv" / "uv.toml").write_text('cache-dir = "/var/cache/test-uv"\nnative-tls = true\n')
    (root / "etc" / "apt" / "apt.conf.d" / "99keep-downloads").write_text(
        'Binary::apt::APT::Keep-Downloaded-Packages "true";\nAPT::Keep-Downloaded-Packages "true";\n'
    )
    (root / "var" / "cache" / "test-pip").mkdir(parents=True, exist_ok=True)
    (root / "var" / "cache" / "test-uv").mkdir(parents=True, exist_ok=True)
    os.chmod(caches / "pip", 0o777)
    os.chmod(caches / "uv", 0o777)
    machine = Machine(root=root, caches=caches)
    _trust_local_authorities(machine)
    return machine


def copy_checkout(machine: Machine) -> None:
    """The new hire's clone of bootstrap (this checkout's files, as git sees them) in their home, theirs."""
    from tests.conftest import REPO

    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    target = machine.home / "bootstrap"
    for raw in filter(None, listed):
        source = REPO / raw.decode()
        if source.is_file():
            dest = target / raw.decode()
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(source.read_bytes())
            dest.chmod(source.stat().st_mode & 0o777)
    done = machine.as_root(f"chown -R {machine.user}:{machine.user} /home/{machine.user}")
    if done.returncode != 0:
        raise RuntimeError(f"chown failed in the fresh machine: {done.stderr}")


def _trust_local_authorities(machine: Machine) -> None:
    # Networks that inspect TLS (corporate proxies, this build's egress) add their own
    # certificate authority; a company laptop has it installed by IT, so the fresh machine does too.
    local = Path("/usr/local/share/ca-certificates")
    if not local.is_dir() or not any(local.iterdir()):
        return
    shutil.copytree(local, machine.root / local.relative_to("/"), dirs_exist_ok=True)
    result = machine.as_root("update-ca-certificates >/dev/null")
    if result.returncode != 0:
        raise RuntimeError(f"update-ca-certificates failed in the fresh machine: {result.stderr}")


def manifest(root: Path, ignore: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """Every path under root with its mode and content hash, leaving out the ignored prefixes."""
    found: dict[str, tuple[int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        dirnames[:] = [d for d in dirnames if not _ignored(_join(rel_dir, d), ignore)]
        for name in [*dirnames, *filenames]:
            rel = _join(rel_dir, name)
            if _ignored(rel, ignore):
                continue
            path = here / name
            info = path.lstat()
            if path.is_symlink():
                digest = "-> " + os.readlink(path)
            elif path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = ""
            found[rel] = (info.st_mode, digest)
    return found


def _join(base: str, name: str) -> str:
    return name if base == "." else f"{base}/{name}"


def _ignored(rel: str, ignore: tuple[str, ...]) -> bool:
    return any(rel == prefix or rel.startswith(prefix + "/") for prefix in ignore)


def disk_kb(path: Path) -> int:
    used = subprocess.run(["du", "-sk", "-x", str(path)], capture_output=True, text=True, check=True)
    return int(used.stdout.split()[0])
