"""Signature checks with both OpenPGP libraries, against keys and signatures made by real GnuPG."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bootstrap.system import verify
from tests.conftest import need
from tests.support.tfmirror import Gpg

SUMS = b"7650009c0e9d9263de539abffbf05b2998c06df1c247ffe7c799f358d0246f72  terraform_1.0.3_linux_amd64.zip\n"


@pytest.fixture(scope="module")
def gpg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gpg]:
    need("gpg")
    keys = Gpg(tmp_path_factory.mktemp("gnupg"))
    keys.new_key("release@example.com")
    keys.new_key("stranger@example.com")
    keys.new_key("old@example.com", when="20200101T000000", expire="1y")
    yield keys


@pytest.fixture(params=["pysequoia", "PGPy"])
def engine(request: pytest.FixtureRequest) -> object:
    return verify.Sequoia() if request.param == "pysequoia" else verify.Pgpy()


def ring(gpg: Gpg, tmp_path: Path, engine: object, *emails: str) -> verify.Keyring:
    path = tmp_path / "keys.asc"
    path.write_bytes(b"".join(gpg.export(e) for e in emails))
    return verify.Keyring(path, "keys.asc", engine)


def test_good_signature(gpg: Gpg, tmp_path: Path, engine: object) -> None:
    trusted = ring(gpg, tmp_path, engine, "release@example.com", "old@example.com")
    result = trusted.verify(SUMS, gpg.sign("release@example.com", SUMS), "SHA256SUMS")
    assert "release@example.com" in result.user and result.expired is None


def test_tampered_content(gpg: Gpg, tmp_path: Path, engine: object) -> None:
    trusted = ring(gpg, tmp_path, engine, "release@example.com")
    with pytest.raises(verify.SignatureError, match="does not match its content"):
        trusted.verify(SUMS + b"x", gpg.sign("release@example.com", SUMS), "SHA256SUMS")


def test_unknown_key(gpg: Gpg, tmp_path: Path, engine: object) -> None:
    trusted = ring(gpg, tmp_path, engine, "release@example.com")
    with pytest.raises(verify.SignatureError, match=r"not one of the trusted keys in keys\.asc"):
        trusted.verify(SUMS, gpg.sign("stranger@example.com", SUMS), "SHA256SUMS")


def test_expired_key_signed_while_valid_is_accepted_and_reported(gpg: Gpg, tmp_path: Path, engine: object) -> None:
    trusted = ring(gpg, tmp_path, engine, "old@example.com")
    result = trusted.verify(SUMS, gpg.sign("old@example.com", SUMS, when="20200601T000000"), "SHA256SUMS")
    assert result.expired is not None and result.expired.year == 2020
    assert result.signed is not None and result.signed.month == 6


def test_signature_dated_after_the_key_expired_is_refused(gpg: Gpg, tmp_path: Path, engine: object) -> None:
    trusted = ring(gpg, tmp_path, engine, "old@example.com")
    key = trusted.keys[0]
    assert key.expires is not None
    # the key as it would be seen had it expired before this signature was made
    object.__setattr__(key, "expires", key.expires.replace(year=2019))
    with pytest.raises(verify.SignatureError, match="which expired on 2019"):
        trusted.verify(SUMS, gpg.sign("old@example.com", SUMS, when="20200601T000000"), "SHA256SUMS")


def test_not_a_signature(gpg: Gpg, tmp_path: Path, engine: object) -> None:
    trusted = ring(gpg, tmp_path, engine, "release@example.com")
    with pytest.raises(verify.SignatureError, match="not an OpenPGP signature") as caught:
        trusted.verify(SUMS, b"garbage", "SHA256SUMS")
    assert "\n" not in str(caught.value)


def test_built_in_key_reads_the_same_with_both(engine: object) -> None:
    trusted = verify.Keyring(verify.BUILTIN_KEYS, "built-in", engine)
    (key,) = trusted.keys
    assert key.fingerprint == "c874011f0ab405110d02105534365d9472d7468f"
    assert "c820c6d5cd27ab87" in key.key_ids
