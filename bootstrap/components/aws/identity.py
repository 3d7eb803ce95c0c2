"""Who each AWS profile really is: STS GetCallerIdentity for many profiles at once.

Calls go through botocore in this process, with the same credential chain as the AWS CLI
(SSO token cache, source_profile and credential_source hops, AWS_ENDPOINT_URL). A CLI process
per profile costs a Python start-up each, which on a 2-core laptop makes 20 profiles take many
seconds (benchmarks/aws_doctor.py measures both). botocore is imported only here, and only
when a check needs the network, so `--help` and `doctor --offline` never load it.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union


@dataclass(frozen=True)
class Identity:
    profile: str
    account: str
    arn: str

    @property
    def principal(self) -> str:
        return describe_arn(self.arn)


@dataclass(frozen=True)
class Problem:
    profile: str
    kind: str  # "expired" | "no-credentials" | "unknown-profile" | "access-denied" | "invalid-keys" | "no-network" | "config" | "timeout" | "other"
    message: str


Answer = Union[Identity, Problem]

_EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
_DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403"}
_INVALID_CODES = {"InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "AuthFailure"}


def describe_arn(arn: str) -> str:
    """A principal ARN in plain words."""
    resource = arn.split(":", 5)[-1]
    if resource.startswith("assumed-role/"):
        parts = resource.split("/")
        role = parts[1] if len(parts) > 1 else "?"
        who = parts[2] if len(parts) > 2 else ""
        sso = re.fullmatch(r"AWSReservedSSO_(.+)_[0-9a-f]{8,}", role)
        if sso:
            return f"role {sso.group(1)} through SSO, as {who}"
        return f"role {role} (session {who})" if who else f"role {role}"
    if resource.startswith("user/"):
        return f"IAM user {resource.split('/')[-1]} (long-lived access keys)"
    if resource == "root":
        return "the account's root user"
    return resource


def classify(profile: str, exc: BaseException) -> Problem:
    """botocore's exception as one of the kinds doctor has a fix for."""
    name = type(exc).__name__
    message = str(exc)
    if name == "ProfileNotFound":
        return Problem(profile, "unknown-profile", message)
    if name in ("SSOTokenLoadError", "UnauthorizedSSOTokenError", "TokenRetrievalError", "SSOError"):
        return Problem(profile, "expired", message)
    if name in ("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"):
        return Problem(profile, "no-credentials", message)
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError"):
        return Problem(profile, "no-network", message)
    if name == "ClientError":
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        if code in _EXPIRED_CODES:
            return Problem(profile, "expired", message)
        if code in _DENIED_CODES or "AccessDenied" in message:
            return Problem(profile, "access-denied", message)
        if code in _INVALID_CODES:
            return Problem(profile, "invalid-keys", message)
    if name in ("InvalidConfigError", "ProfileNotFound", "InfiniteLoopConfigError", "NoRegionError"):
        return Problem(profile, "config", message)
    return Problem(profile, "other", f"{name}: {message}")


def _lookup_one(profile: str, files: tuple[Path, Path], loader: Any, timeout: float) -> Answer:
    import botocore.session
    from botocore.config import Config

    try:
        session = botocore.session.Session(profile=profile)
        session.register_component("data_loader", loader)
        session.set_config_variable("config_file", str(files[0]))
        session.set_config_variable("credentials_file", str(files[1]))
        # One attempt with short timeouts: doctor reports a slow network, it does not wait it out.
        config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 1})
        session.set_default_client_config(config)
        region = session.get_config_variable("region") or "us-east-1"
        client = session.create_client("sts", region_name=region)
        reply = client.get_caller_identity()
        return Identity(profile, str(reply["Account"]), str(reply["Arn"]))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a finding with a fix
        return classify(profile, exc)


def lookup(profiles: list[str], config_file: Path, credentials_file: Path, timeout: float = 10.0) -> dict[str, Answer]:
    """The identity (or the reason there is none) of every profile, all at once."""
    if not profiles:
        return {}
    from botocore.loaders import create_loader

    loader = create_loader()  # service models are read once and shared by every profile
    files = (config_file, credentials_file)
    pool = ThreadPoolExecutor(max_workers=min(32, len(profiles)))
    futures = {p: pool.submit(_lookup_one, p, files, loader, timeout) for p in profiles}
    wait(list(futures.values()), timeout=timeout * 3)
    pool.shutdown(wait=False)
    answers: dict[str, Answer] = {}
    for profile, future in futures.items():
        answers[profile] = (
            future.result()
            if future.done()
            else Problem(profile, "timeout", f"no answer from AWS within {timeout * 3:g} seconds")
        )
    return answers
