"""Real AWS parts for tests: moto in server mode on a loopback port, and the real AWS CLIs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

import pytest

from tests.conftest import IN_CI
from tests.support.net import free_port, stop, wait_listening

VENV_BIN = Path(sys.executable).parent
# Debian's awscli v2 (.ci/run installs it). It predates AWS_ENDPOINT_URL (2.13), so calls to moto
# go through botocore clients (sdk_client) or through --endpoint-url.
AWS_V2 = Path("/usr/bin/aws")


@contextmanager
def moto_server(env: Optional[dict[str, str]] = None) -> Iterator[str]:
    """`moto_server -H 127.0.0.1 -p PORT`; yields its URL, stops it afterwards."""
    port = free_port()
    child_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        env=child_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port, proc, "moto_server")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def aws_v2() -> str:
    """Debian's AWS CLI v2; skips locally and fails in CI when it is missing."""
    ok = AWS_V2.is_file()
    if ok:
        version = subprocess.run([str(AWS_V2), "--version"], capture_output=True, text=True, check=False)
        ok = version.stdout.startswith("aws-cli/2.")
    if not ok:
        message = "Debian's awscli (v2) is not installed at /usr/bin/aws (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return str(AWS_V2)


def v2_first_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Debian's AWS CLI v2 first on PATH: the one that reads [sso-session] sections, and one
    new enough that no test ever plans to install an AWS CLI for real."""
    v2 = aws_v2()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aws").symlink_to(v2)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return v2


def sdk_client(profile: str, service: str = "sts") -> Any:
    """A real botocore client of `profile`, made as any SDK-based tool makes one: from $HOME's
    ~/.aws, with AWS_ENDPOINT_URL (moto) honoured by every call of the chain."""
    import botocore.session

    return botocore.session.Session(profile=profile).create_client(service, region_name="us-east-1")


def run_aws(binary: str | Path, *args: str, env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def sso_cache(home: Path, session: str, expires_in: timedelta, refresh: bool = False) -> Path:
    """A token cache file as `aws sso login` leaves it (values are placeholders, not secrets)."""
    import hashlib

    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / (hashlib.sha1(session.encode()).hexdigest() + ".json")
    now = datetime.now(timezone.utc)
    data = {
        "startUrl": "https://corp.awsapps.com/start",
        "region": "eu-west-1",
        "accessToken": "placeholder-token",
        "expiresAt": (now + expires_in).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if refresh:
        data |= {
            "refreshToken": "placeholder",
            "registrationExpiresAt": (now + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    path.write_text(json.dumps(data))
    return path
