"""A local server in GitHub's release layout: release downloads and the REST API's release list.

`/dl/<owner>/<repo>/releases/download/v<v>/` holds what a Terragrunt release holds: a bare
binary per platform (`terragrunt_<os>_<arch>`), the same binary in a `.tar.gz`, `SHA256SUMS`
and, for signed releases, `SHA256SUMS.gpgsig` (a binary detached signature, as Gruntwork's
release script makes it). `/api/repos/<owner>/<repo>/releases?per_page=N` answers like GitHub:
newest first, at most `page_size` a page, a `Link: <...>; rel="next"` header while more remain.
No Terragrunt binary can be had offline, so the binary is a small sh program that answers
`--version` as the real one does (`terragrunt version v0.67.16`); `padding` makes it as large
as a real release for benchmarks.

`Layout` names another project's files: OPENTOFU serves `tofu_<v>_<os>_<arch>.zip` (holding
`tofu`) and `.tar.gz`, `tofu_<v>_SHA256SUMS` and `tofu_<v>_SHA256SUMS.gpgsig`, as OpenTofu's
releases on github.com hold them, with a stand-in `tofu` that prints `OpenTofu vX.Y.Z`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import random
import tarfile
import threading
import time
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

from tests.support.tfmirror import HERE_ARCH, OS, Faults, Gpg

REPO = "gruntwork-io/terragrunt"


@dataclass(frozen=True)
class Layout:
    repo: str
    asset: str  # a build's file name: {version}, {os}, {arch}
    sums: str
    signature: str
    member: str  # the program inside an archive ("" for the asset's own name)
    bare: bool  # whether the project publishes bare binaries besides the archives


TERRAGRUNT = Layout(REPO, "terragrunt_{os}_{arch}", "SHA256SUMS", "SHA256SUMS.gpgsig", "", True)
OPENTOFU = Layout(
    "opentofu/opentofu",
    "tofu_{version}_{os}_{arch}",
    "tofu_{version}_SHA256SUMS",
    "tofu_{version}_SHA256SUMS.gpgsig",
    "tofu",
    False,
)


def tofu_stand_in(version: str, padding: int = 0) -> bytes:
    """A tofu that prints its version like the real one (`OpenTofu v1.8.5`); anything else it echoes.

    `padding` bytes after `exit` make it as large as a real one: random bytes from six values,
    which deflate about as a real program does (85 MB pack into about 31 MB; a real tofu, 26 MB),
    with no long runs that would make unpacking quicker than a real release's."""
    script = (
        "#!/bin/sh\n"
        'case "$1" in\n'
        f'    version|-version|--version|-v) echo "OpenTofu v{version}"; echo "on {OS}_{HERE_ARCH}" ;;\n'
        f'    *) echo "tofu v{version} stand-in: $*" ;;\n'
        "esac\n"
        "exit 0\n"
    ).encode()
    six = bytes(b"ACGTNX"[n % 6] for n in range(256))
    return script + (random.Random(version).randbytes(padding).translate(six) if padding > 0 else b"")


def stand_in(version: str, padding: int = 0) -> bytes:
    """A terragrunt that prints its version like the real one; anything else it echoes."""
    script = (
        "#!/bin/sh\n"
        'case "$1" in\n'
        f'    --version|-v|version) echo "terragrunt version v{version}" ;;\n'
        f'    *) echo "terragrunt v{version} stand-in: $*" ;;\n'
        "esac\n"
        "exit 0\n"
    ).encode()
    return script + (b"#" + b"x" * (padding - 1) + b"\n" if padding > 0 else b"")


@dataclass
class Published:
    version: str
    draft: bool = False
    prerelease: bool = False


@dataclass
class GitHubReleases:
    """Releases in a folder, served on 127.0.0.1, with faults by file name (see tfmirror.Faults)."""

    root: Path
    gpg: Gpg
    key: str
    faults: Faults = field(default_factory=Faults)
    published: list[Published] = field(default_factory=list)
    page_size: int = 100
    server: Optional[ThreadingHTTPServer] = None
    keyfile: Optional[Path] = None
    layout: Layout = TERRAGRUNT

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def mirror(self) -> str:
        """The binary base: like https://github.com."""
        return f"{self.url}/dl"

    @property
    def api(self) -> str:
        """The API base: like https://api.github.com."""
        return f"{self.url}/api"

    def folder(self, version: str) -> Path:
        return self.root / "dl" / self.layout.repo / "releases" / "download" / f"v{version}"

    def name(self, version: str, os_name: str = OS, arch: str = HERE_ARCH) -> str:
        return self.layout.asset.format(version=version, os=os_name, arch=arch)

    def add(
        self,
        version: str,
        program: Optional[bytes] = None,
        bare: bool = True,
        tarball: bool = True,
        tar_members: Optional[list[tarfile.TarInfo]] = None,
        zip_members: Optional[dict[str, bytes]] = None,
        platforms: Optional[list[tuple[str, str]]] = None,
        signer: Optional[str] = None,
        signed: bool = True,
        draft: bool = False,
        prerelease: bool = False,
    ) -> None:
        """Publish a release: its files, SHA256SUMS (with a Windows line we never use), and a signature."""
        folder = self.folder(version)
        folder.mkdir(parents=True, exist_ok=True)
        layout = self.layout
        maker = stand_in if layout is TERRAGRUNT else tofu_stand_in
        data = program if program is not None else maker(version)
        files: dict[str, bytes] = {f"{self.name(version, 'windows', 'amd64')}.exe": b"MZ not for us"}
        if layout is not TERRAGRUNT:
            for os_name, arch in platforms or [(OS, HERE_ARCH)]:
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for member, content in (zip_members or {layout.member: data}).items():
                        info = zipfile.ZipInfo(member, (2023, 11, 15, 0, 0, 0))
                        info.external_attr = 0o755 << 16
                        info.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(info, content)
                    archive.writestr("LICENSE", "MPL-2.0\n")
                files[f"{self.name(version, os_name, arch)}.zip"] = buffer.getvalue()
            tarball = bare = False
        name = self.name(version)
        if bare:
            files[name] = data
        if tarball:
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
                for info in tar_members or []:
                    archive.addfile(info, io.BytesIO(b"escaped") if info.isfile() else None)
                if tar_members is None:
                    info = tarfile.TarInfo(name)
                    info.size, info.mode, info.mtime = len(data), 0o755, 1_700_000_000
                    archive.addfile(info, io.BytesIO(data))
            files[f"{name}.tar.gz"] = buffer.getvalue()
        sums = "".join(f"{hashlib.sha256(content).hexdigest()}  {file}\n" for file, content in sorted(files.items()))
        for file, content in files.items():
            (folder / file).write_bytes(content)
        (folder / layout.sums.format(version=version)).write_text(sums, encoding="utf-8")
        if signed:
            signature = self.gpg.sign(signer or self.key, sums.encode())
            (folder / layout.signature.format(version=version)).write_bytes(signature)
        self.published.append(Published(version, draft, prerelease))

    def releases_json(self) -> list[dict[str, object]]:
        """The API's view, newest first as GitHub lists them (by publication, here by version)."""

        def key(p: Published) -> tuple[int, ...]:
            return tuple(int(n) for n in p.version.split("-")[0].split("."))

        return [
            {
                "tag_name": f"v{p.version}",
                "name": f"v{p.version}",
                "draft": p.draft,
                "prerelease": p.prerelease,
                "body": "release notes " * 20,
            }
            for p in sorted(self.published, key=key, reverse=True)
        ]

    def start(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, data: bytes, headers: Optional[dict[str, str]] = None) -> None:
                fault = site.faults.by_name.get(self.path.split("?")[0].rsplit("/", 1)[-1])
                if isinstance(fault, bytes):
                    data = fault
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if fault == "truncate":
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_GET(self) -> None:
                split = urllib.parse.urlsplit(self.path)
                name = split.path.rsplit("/", 1)[-1]
                site.faults.hits.append(self.path)
                fault = site.faults.by_name.get(name)
                if fault in ("404", "500"):
                    self.send_error(int(str(fault)))
                    return
                if fault == "stall":
                    time.sleep(site.faults.stall_seconds)
                repo = site.layout.repo
                if split.path == f"/api/repos/{repo}/releases":
                    query = urllib.parse.parse_qs(split.query)
                    size = min(int(query.get("per_page", ["30"])[0]), site.page_size)
                    page = int(query.get("page", ["1"])[0])
                    everything = site.releases_json()
                    chunk = everything[(page - 1) * size : page * size]
                    headers = {"Content-Type": "application/json"}
                    if page * size < len(everything):
                        nxt = f"{site.api}/repos/{repo}/releases?per_page={size}&page={page + 1}"
                        headers["Link"] = f'<{nxt}>; rel="next", <{site.api}/repos/{repo}/releases?page=1>; rel="first"'
                    self._send(json.dumps(chunk).encode(), headers)
                    return
                path = site.root / split.path.lstrip("/")
                if not split.path.startswith("/dl/") or not path.is_file():
                    self.send_error(404)
                    return
                self._send(path.read_bytes())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def build(root: Path, padding: int = 0, layout: Layout = TERRAGRUNT) -> GitHubReleases:
    """Releases 0.67.16 and 0.66.0 (OpenTofu: 1.8.5 and 1.7.3), signed by a fresh key exported to `keyfile`."""
    gpg = Gpg(root / "gnupg")
    key = gpg.new_key("security@example.com")
    site = GitHubReleases(root / "site", gpg, key, layout=layout)
    for version in ("0.66.0", "0.67.16") if layout is TERRAGRUNT else ("1.7.3", "1.8.5"):
        maker = stand_in if layout is TERRAGRUNT else tofu_stand_in
        site.add(version, maker(version, padding))
    site.keyfile = root / "trusted.asc"
    site.keyfile.write_bytes(gpg.export(key))
    return site
