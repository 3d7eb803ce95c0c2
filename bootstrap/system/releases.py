"""A client for release sites, in two layouts: releases.hashicorp.com's and GitHub's.

HashiCorp's (`Site`): `/<product>/index.json` lists versions; `/<product>/<v>/index.json` lists
builds per os/arch, the SHA256SUMS file and its signatures. GitHub's (`GitHubSite`): the REST
API lists a repository's releases; `/<owner>/<repo>/releases/download/v<v>/` holds the files and
a SHA256SUMS, sometimes signed. Everything downloaded is checked before it is used: the file
against SHA256SUMS, SHA256SUMS against an OpenPGP signature by a trusted key when there is one.
An install streams to a temporary file while hashing, verifies, unpacks (zip, tar.gz or a bare
binary) with every path checked, and renames into place under a per-version lock: two installs
racing make one good install, and a failure at any point leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import ssl
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Callable, Optional

from bootstrap.system.errors import Failure, UserError

OFFICIAL = "https://releases.hashicorp.com"
GITHUB = "https://github.com"
GITHUB_API = "https://api.github.com"
API_PAGES = 20  # GitHub lists 100 releases a page; more than 2,000 releases is not a product we pin
INDEX_TTL = 3600.0  # seconds a cached list of releases is trusted
CHUNK = 1 << 16
RECEIPT = "install.json"

# HTTP statuses a proxy or load balancer answers when it cannot reach the site behind it
GATEWAY = (502, 503, 504)

Progress = Callable[[int, Optional[int]], None]  # (bytes so far, total or None)


class DownloadError(Failure):
    """The release site could not give us a file (network, HTTP status, timeout)."""


class NotFound(DownloadError):
    """HTTP 404: the file or version does not exist on this site."""


class Unreachable(DownloadError):
    """The site could not be reached (no network, a name that does not resolve, a firewall, a
    timeout, a gateway error, a download cut off): nothing is wrong with what was asked for, so
    a run leaves it for later instead of failing."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.host = urllib.parse.urlsplit(url).netloc or url
        self.reason = reason
        super().__init__(f"could not reach {self.host} ({reason})")


def plain_reason(exc: BaseException) -> str:
    """Why a connection failed, in words a new hire understands (not "[Errno -2] ...")."""
    import socket

    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "it did not answer in time"
    if isinstance(reason, socket.gaierror):
        return "its name could not be looked up: no network, or a network that reaches only the company's servers"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"its certificate is not trusted here ({reason.verify_message or reason})"
    if isinstance(reason, OSError) and reason.errno in (101, 113, 51, 65):  # network / host unreachable
        return "there is no route to it from this network"
    if isinstance(reason, (ConnectionResetError, ConnectionAbortedError)):
        return "the connection was cut off"
    text = str(getattr(reason, "strerror", None) or reason).strip()
    return text or type(reason).__name__


class VerificationError(Failure):
    """A file did not match its checksum or signature: it was not installed."""


# --- HTTP -----------------------------------------------------------------------------------


def ssl_context() -> ssl.SSLContext:
    """The operating system's trust store when truststore is available (corporate TLS inspection
    adds its CA there), else Python's default certificates."""
    try:
        import truststore

        ctx: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:
        ctx = ssl.create_default_context()
    return ctx


def proxies(env: Mapping[str, str]) -> dict[str, str]:
    """HTTP(S)_PROXY and NO_PROXY from the given environment, lower case winning as curl does."""
    found = {}
    for scheme in ("http", "https", "no"):
        value = env.get(f"{scheme}_proxy") or env.get(f"{scheme.upper()}_PROXY")
        if value:
            found[scheme] = value
    return found


@dataclass
class Http:
    """GET with a timeout, retries with backoff on network errors and 5xx, proxies, OS trust."""

    env: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 30.0
    attempts: int = 3
    backoff: float = 0.5

    def _opener(self, url: str) -> urllib.request.OpenerDirector:
        found = proxies(self.env)
        host = urllib.parse.urlsplit(url).hostname or ""
        if "no" in found and urllib.request.proxy_bypass_environment(host, found):  # type: ignore[attr-defined]
            found = {}
        found.pop("no", None)
        return urllib.request.build_opener(
            urllib.request.ProxyHandler(found), urllib.request.HTTPSHandler(context=ssl_context())
        )

    @contextlib.contextmanager
    def open(self, url: str) -> Iterator[IO[bytes]]:
        """The response body; raises NotFound (404) or DownloadError with a plain message."""
        last = ""
        unreachable = False
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                request = urllib.request.Request(url, headers={"User-Agent": "bootstrap"})  # noqa: S310 - http(s) only, see mirror_error
                response = self._opener(url).open(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code == 404:
                    raise NotFound(f"{url} does not exist (HTTP 404)") from None
                last = f"HTTP {exc.code} {exc.reason}"
                unreachable = exc.code in GATEWAY
                if exc.code < 500:
                    break
                continue
            except (urllib.error.URLError, OSError) as exc:
                last = plain_reason(exc)
                unreachable = not isinstance(getattr(exc, "reason", exc), ssl.SSLCertVerificationError)
                continue
            with response:
                yield response
            return
        if unreachable:
            raise Unreachable(url, f"{last}; tried {self.attempts} times")
        raise DownloadError(f"could not download {url}: {last} (tried {self.attempts} times)")

    def read(self, url: str) -> bytes:
        return self.fetch(url)[0]

    def fetch(self, url: str) -> tuple[bytes, Mapping[str, str]]:
        """The body and the response headers (GitHub's API pages through a Link header)."""
        with self.open(url) as body:
            try:
                data = body.read()
            except (OSError, http.client.HTTPException) as exc:
                raise Unreachable(url, f"the download broke off: {plain_reason(exc)}") from None
            headers = getattr(body, "headers", None)
            return data, dict(headers.items()) if headers is not None else {}

    def download(self, url: str, target: IO[bytes], progress: Optional[Progress] = None) -> str:
        """Stream url into target; return its SHA-256. A short body is an error, never a file."""
        digest = hashlib.sha256()
        with self.open(url) as body:
            length = body.headers.get("Content-Length") if hasattr(body, "headers") else None
            total = int(length) if length and length.isdigit() else None
            done = 0
            while True:
                try:
                    chunk = body.read(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise Unreachable(url, f"the download broke off after {done} bytes: {plain_reason(exc)}") from None
                if not chunk:
                    break
                digest.update(chunk)
                target.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            if total is not None and done != total:
                raise Unreachable(url, f"the download stopped after {done} of {total} bytes")
        return digest.hexdigest()


# --- the release site -----------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    os: str
    arch: str
    filename: str
    url: str
    member: str = ""  # the program's name inside the download, when it is not the product's name


@dataclass(frozen=True)
class Release:
    version: str
    builds: tuple[Build, ...]
    shasums: str
    signatures: tuple[str, ...]
    base: str  # the folder URL the files live in
    sums: Optional[bytes] = None  # SHA256SUMS, when finding the release meant reading it already

    def url(self, filename: str) -> str:
        return f"{self.base}/{filename}"

    def build_for(self, os_name: str, arch: str) -> Build:
        for build in self.builds:
            if build.os == os_name and build.arch == arch:
                return build
        have = ", ".join(sorted(f"{b.os}/{b.arch}" for b in self.builds)) or "none"
        raise Failure(
            f"version {self.version} has no build for {os_name}/{arch} (builds: {have}); choose another version"
        )


@dataclass
class Site:
    """One product on one release site (the official one or a mirror)."""

    product: str
    base: str = OFFICIAL
    http: Http = field(default_factory=Http)
    cache_dir: Optional[Path] = None
    offline: bool = False
    ttl: float = INDEX_TTL

    @property
    def root(self) -> str:
        return f"{self.base.rstrip('/')}/{self.product}"

    @property
    def source(self) -> str:
        """Where the list of versions comes from: a cache made from another source is not used."""
        return self.base

    def versions(self, fresh: bool = False) -> list[str]:
        """Every version the site lists, cached for `ttl` seconds; [] offline, where only what is
        installed can be used."""
        if self.offline:
            return []
        cache = self.cache_dir / "index.json" if self.cache_dir else None
        if cache is not None and not fresh:
            cached = self._cached(cache)
            if cached is not None:
                return cached
        found = self._listed()
        if cache is not None:
            _atomic_bytes(cache, json.dumps({"base": self.source, "versions": found}).encode())
        return found

    def _listed(self) -> list[str]:
        data = self._json(f"{self.root}/index.json")
        return sorted(data.get("versions", {})) if isinstance(data.get("versions"), dict) else []

    def _cached(self, cache: Path) -> Optional[list[str]]:
        try:
            if time.time() - cache.stat().st_mtime > self.ttl:
                return None
            data = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("base") != self.source or not isinstance(data.get("versions"), list):
            return None
        return [str(v) for v in data["versions"]]

    def _json(self, url: str) -> dict[str, Any]:
        data = _parsed(self._fetch(url)[0], url)
        if not isinstance(data, dict):
            raise DownloadError(f"{url} is not a release index; check the mirror address")
        return data

    def _fetch(self, url: str) -> tuple[bytes, Mapping[str, str]]:
        if self.offline:
            raise Unreachable(url, "working offline (BOOTSTRAP_OFFLINE or --offline)")
        return self.http.fetch(url)

    def release(self, version: str) -> Release:
        try:
            data = self._json(f"{self.root}/{version}/index.json")
        except NotFound:
            raise Failure(
                f"{self.product} {version} does not exist on {self.base}; see `bootstrap terraform list --remote`"
            ) from None
        builds = tuple(
            Build(str(b.get("os")), str(b.get("arch")), str(b.get("filename")), str(b.get("url", "")))
            for b in data.get("builds", [])
            if isinstance(b, dict) and b.get("filename")
        )
        shasums = str(data.get("shasums") or f"{self.product}_{version}_SHA256SUMS")
        signatures = data.get("shasums_signatures") or (
            [data["shasums_signature"]] if data.get("shasums_signature") else []
        )
        # Mirrors copy index.json verbatim, so its `url` fields may name the public site: every
        # file is fetched from the site we were pointed at, by name.
        return Release(version, builds, shasums, tuple(str(s) for s in signatures), f"{self.root}/{version}")


@dataclass
class GitHubSite(Site):
    """One repository's releases laid out like github.com (or GitHub Enterprise, or a mirror).

    Files are named after `asset` (`<product>_<os>_<arch>` by default: Terragrunt's bare
    binaries; OpenTofu's `tofu_<version>_<os>_<arch>`), as they are or packed in a `.tar.gz` or
    `.zip` holding the program (`member`, else the bare name), in
    `<base>/<repo>/releases/download/v<version>/`, listed in the checksums file `sums_name` there;
    `signature_name` signs it when the project signs its releases (`{version}` in these names is
    the version). The list of versions comes from the REST API at `<api>/repos/<repo>/releases`,
    drafts and pre-releases left out.
    """

    base: str = GITHUB
    repo: str = ""
    api: str = GITHUB_API
    sums_name: str = "SHA256SUMS"
    signature_name: str = "SHA256SUMS.gpgsig"
    asset: str = "{product}_{os}_{arch}"
    member: str = ""

    @property
    def root(self) -> str:
        return f"{self.base.rstrip('/')}/{self.repo}/releases/download"

    @property
    def source(self) -> str:
        return f"{self.api.rstrip('/')}/repos/{self.repo}"

    def _listed(self) -> list[str]:
        found = set()
        url: Optional[str] = f"{self.source}/releases?per_page=100"
        for _ in range(API_PAGES):
            if url is None:
                break
            raw, headers = self._fetch(url)
            page = _parsed(raw, url)
            if not isinstance(page, list):
                raise DownloadError(f"{url} is not a list of GitHub releases; check the API address")
            for item in page:
                if not isinstance(item, dict) or item.get("draft") or item.get("prerelease"):
                    continue
                tag = item.get("tag_name")
                if isinstance(tag, str) and tag:
                    found.add(tag[1:] if tag[:1] == "v" else tag)
            url = _next_page(headers)
        return sorted(found)

    def release(self, version: str) -> Release:
        folder = f"{self.root}/v{version}"
        sums_name = self.sums_name.format(version=version)
        try:
            sums = self._fetch(f"{folder}/{sums_name}")[0]
        except NotFound:
            raise Failure(
                f"{self.product} {version} does not exist on {self.base}/{self.repo}/releases "
                f"(there is no {folder}/{sums_name}); see `bootstrap {self.product} list --remote`"
            ) from None
        shape = re.escape(self.asset.format(product=self.product, version=version, os="\0", arch="\1"))
        shape = shape.replace("\0", "([a-z0-9]+)").replace("\1", "([a-z0-9]+)")
        named = re.compile(rf"^{shape}(\.tar\.gz|\.zip)?$")
        bare: dict[tuple[str, str], Build] = {}
        packed: dict[tuple[str, str], Build] = {}
        for line in sums.decode("utf-8", "replace").splitlines():
            parts = line.split()
            match = named.match(parts[1].lstrip("*")) if len(parts) == 2 else None
            if match is None:
                continue
            name = match.group(0)
            program = self.member or name.removesuffix(match.group(3) or "")
            build = Build(match.group(1), match.group(2), name, f"{folder}/{name}", member=program)
            if not match.group(3):
                bare[(build.os, build.arch)] = build
            elif match.group(3) == ".zip" or (build.os, build.arch) not in packed:  # the zip, as OpenTofu documents it
                packed[(build.os, build.arch)] = build
        # The bare binary where there is one: nothing to unpack. A mirror that keeps only the
        # archives still works.
        builds = tuple({**packed, **bare}.values())
        signature = self.signature_name.format(version=version)
        return Release(version, builds, sums_name, (signature,), folder, sums)


def _parsed(raw: bytes, url: str) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        raise DownloadError(f"{url} is not the JSON a release site serves; check the mirror address") from None


def _next_page(headers: Mapping[str, str]) -> Optional[str]:
    """The `rel="next"` URL of GitHub's Link header, if any."""
    link = next((v for k, v in headers.items() if k.lower() == "link"), "")
    for part in link.split(","):
        match = re.match(r'\s*<([^>]+)>\s*;\s*rel="?next"?', part)
        if match:
            return match.group(1)
    return None


def _atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --- checking -------------------------------------------------------------------------------


def expected_sha256(sums: bytes, filename: str) -> str:
    for line in sums.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == filename and len(parts[0]) == 64:
            return parts[0].lower()
    raise VerificationError(f"SHA256SUMS does not list {filename}; the release is incomplete, so it was not installed")


def _safe_path(name: str) -> PurePosixPath:
    """An archive entry's path, refused when it would land outside the target folder (zip slip)."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise VerificationError(f"the archive holds an unsafe path '{name}'; nothing was installed")
    return path


def safe_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every entry, refusing any that would land outside the target folder (zip slip) or is a link."""
    members = []
    for info in archive.infolist():
        _safe_path(info.filename)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise VerificationError(f"the archive holds a symbolic link '{info.filename}'; nothing was installed")
        members.append(info)
    return members


def safe_tar_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Every entry, refusing unsafe paths and anything that is not a plain file or folder."""
    members = []
    for info in archive.getmembers():
        _safe_path(info.name)
        if not (info.isfile() or info.isdir()):
            kind = "link" if info.issym() or info.islnk() else "special file"
            raise VerificationError(f"the archive holds a {kind} '{info.name}'; nothing was installed")
        members.append(info)
    return members


def is_archive(filename: str) -> bool:
    return filename.endswith((".zip", ".tar.gz", ".tgz"))


def unpack(archive_path: Path, target: Path, shown: str) -> dict[str, int]:
    """Extract every (checked) entry of a zip or .tar.gz into target; the CRC-32 of each file.

    The archive itself was authenticated by its SHA-256; the receipt keeps the program's CRC-32
    (zipfile verified it while extracting) so that doctor can tell later whether it changed, at a
    fraction of a SHA-256's cost."""
    if shown.endswith((".tar.gz", ".tgz")):
        return _untar(archive_path, target, shown)
    return _unzip(archive_path, target, shown)


def _unzip(archive_path: Path, target: Path, shown: str) -> dict[str, int]:
    checksums = {}
    try:
        with zipfile.ZipFile(archive_path) as archive:
            for info in safe_members(archive):
                path = target.joinpath(*_safe_path(info.filename).parts)
                if info.is_dir():
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, path.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)  # zipfile raises on a CRC mismatch
                checksums[info.filename] = info.CRC
    except (zipfile.BadZipFile, zlib.error) as exc:
        raise VerificationError(f"{shown} is not a valid zip archive ({exc}); nothing was installed") from None
    return checksums


def _untar(archive_path: Path, target: Path, shown: str) -> dict[str, int]:
    checksums = {}
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for info in safe_tar_members(archive):
                parts = _safe_path(info.name).parts
                if not parts:
                    continue
                path = target.joinpath(*parts)
                if info.isdir():
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(info)
                if source is None:
                    continue
                with source, path.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                checksums[str(PurePosixPath(*parts))] = crc32_file(path)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise VerificationError(f"{shown} is not a valid .tar.gz archive ({exc}); nothing was installed") from None
    return checksums


def unchanged(program: Path, receipt: Mapping[str, Any]) -> bool:
    """Whether program is as its receipt recorded it: by SHA-256 (a bare binary) or CRC-32 (from an archive)."""
    if "binary_sha256" in receipt:
        digest = hashlib.sha256()
        with program.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return bool(digest.hexdigest() == receipt["binary_sha256"])
    return crc32_file(program) == receipt.get("binary_crc32")


def crc32_file(path: Path) -> int:
    value = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            value = zlib.crc32(chunk, value)
    return value


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock held by this process until the block ends (released if it dies)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass(frozen=True)
class Installed:
    version: str
    folder: Path
    already: bool  # it was there before (another install won the race, or a re-run)
    signer: str = ""
    note: str = ""  # something the user should know (an expired key, verification off)


def install(
    site: Site,
    version: str,
    versions_dir: Path,
    os_name: str,
    arch: str,
    binary: str,
    verify: Optional[Callable[[bytes, bytes, str], tuple[str, str]]],
    progress: Optional[Progress] = None,
) -> Installed:
    """Download, check and unpack one version into versions_dir/<version>.

    `verify(sums, signature, what)` returns (signer, note) or raises; None skips the signature
    (the caller warns). The checksum is always checked.
    """
    target = versions_dir / version
    with file_lock(versions_dir / ".locks" / f"{version}.lock"):
        if (target / RECEIPT).is_file():
            return Installed(version, target, already=True)
        release = site.release(version)
        build = release.build_for(os_name, arch)
        sums = release.sums if release.sums is not None else site.http.read(release.url(release.shasums))
        signer, note = "", ""
        if verify is not None:
            signer, note = _check_signatures(site, release, sums, verify)
        want = expected_sha256(sums, build.filename)
        versions_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=versions_dir, prefix=f".{version}."))
        try:
            archive_path = work / build.filename
            with archive_path.open("wb") as out:
                got = site.http.download(release.url(build.filename), out, progress)
            if got != want:
                raise VerificationError(
                    f"{build.filename} does not match its SHA-256 in SHA256SUMS (expected {want[:12]}…, got {got[:12]}…): "
                    "the download is damaged or was tampered with, so it was not installed"
                )
            unpacked = work / "unpacked"
            unpacked.mkdir()
            program = unpacked / binary
            fingerprint: dict[str, object]
            if is_archive(build.filename):
                checksums = unpack(archive_path, unpacked, build.filename)
                member = build.member or binary
                if member not in checksums:
                    raise VerificationError(f"{build.filename} holds no `{member}` program; nothing was installed")
                if member != binary:
                    os.replace(unpacked / member, program)
                fingerprint = {"binary_crc32": checksums[member]}
            else:
                # A bare binary is the download itself: the SHA-256 just checked is its fingerprint.
                os.replace(archive_path, program)
                fingerprint = {"binary_sha256": got}
            program.chmod(0o755)
            receipt = {
                "version": version,
                "source": release.url(build.filename),
                "archive_sha256": got,
                **fingerprint,
                "signed_by": signer,
                "verified": verify is not None,
            }
            (unpacked / RECEIPT).write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
            if target.exists():  # a partial folder from an older tool: it has no receipt
                shutil.rmtree(target)
            os.replace(unpacked, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return Installed(version, target, already=False, signer=signer, note=note)


def _check_signatures(
    site: Site, release: Release, sums: bytes, verify: Callable[[bytes, bytes, str], tuple[str, str]]
) -> tuple[str, str]:
    if not release.signatures:
        raise VerificationError(
            f"{release.version} on {site.base} lists no signature for its SHA256SUMS, so it cannot be trusted; nothing was installed"
        )
    failures = []
    for name in release.signatures:
        try:
            signature = site.http.read(release.url(name))
        except NotFound:
            failures.append(f"{name} is missing, so {release.shasums} cannot be trusted")
            continue
        try:
            return verify(sums, signature, release.shasums)
        except Failure as exc:
            failures.append(str(exc))
    raise VerificationError(
        f"{failures[0]}; nothing was installed"
        if len(failures) == 1
        else "; ".join(failures) + "; nothing was installed"
    )


def receipt(folder: Path) -> Optional[dict[str, Any]]:
    try:
        data = json.loads((folder / RECEIPT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def uninstall(versions_dir: Path, version: str) -> bool:
    target = versions_dir / version
    with file_lock(versions_dir / ".locks" / f"{version}.lock"):
        if not target.exists():
            return False
        trash = Path(tempfile.mkdtemp(dir=versions_dir, prefix=f".{version}.removing."))
        os.replace(target, trash / "old")  # gone from view at once, even if the delete is slow
        shutil.rmtree(trash, ignore_errors=True)
        return True


def mirror_error(base: str, layout: str = OFFICIAL) -> None:
    """A mirror address that cannot work, as bad input."""
    scheme = urllib.parse.urlsplit(base).scheme
    if scheme not in ("http", "https"):
        raise UserError(f"'{base}' is not a mirror address; use an http(s) URL laid out like {layout}")
