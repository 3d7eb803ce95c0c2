"""Short-lived keys of one AWS profile, for tools that cannot sign in to SSO or assume roles.

botocore resolves the profile in this process (SSO token cache, source_profile hops,
AWS_ENDPOINT_URL), so no AWS CLI is needed. A profile that ends in long-lived access keys is
turned into a session token (STS GetSessionToken) so what is handed out always expires.
The keys live only in memory: they are printed for credential_process, or put in one child's
environment, never written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Union

from bootstrap.components.aws import identity as awsidentity


@dataclass(frozen=True)
class Keys:
    access_key: str
    secret_key: str = field(repr=False)  # never in a traceback or a log
    token: str = field(repr=False)
    expires: Optional[datetime]
    region: Optional[str]

    def process_json(self) -> str:
        """The credential_process output format (Version 1)."""
        data: dict[str, object] = {
            "Version": 1,
            "AccessKeyId": self.access_key,
            "SecretAccessKey": self.secret_key,
            "SessionToken": self.token,
        }
        if self.expires is not None:
            data["Expiration"] = self.expires.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return json.dumps(data)

    def environment(self) -> dict[str, str]:
        """The variables every AWS SDK and CLI reads before any profile."""
        env = {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_SESSION_TOKEN": self.token,
        }
        if self.expires is not None:
            env["AWS_CREDENTIAL_EXPIRATION"] = self.expires.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.region:
            env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = self.region  # older SDKs read only the second
        return env


def resolve(
    profile: str, config_file: Path, credentials_file: Path, region: Optional[str] = None, timeout: float = 30.0
) -> Union[Keys, awsidentity.Problem]:
    """The profile's keys as its chain gives them, or why there are none; `region` when the
    profile names none of its own."""
    import botocore.session
    from botocore.config import Config

    try:
        session = botocore.session.Session(profile=profile)
        session.set_config_variable("config_file", str(config_file))
        session.set_config_variable("credentials_file", str(credentials_file))
        session.set_default_client_config(
            Config(connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 2})
        )
        if not session.get_config_variable("region") and region:
            session.set_config_variable("region", region)  # the role hops' STS calls need one too
        region = session.get_config_variable("region")
        credentials = session.get_credentials()
        if credentials is None:
            return awsidentity.Problem(profile, "no-credentials", "no sign-in, role or keys are set up for it")
        frozen = credentials.get_frozen_credentials()
        if frozen.token:
            # botocore keeps the expiry of refreshable credentials (SSO, assumed roles) only here
            expires = getattr(credentials, "_expiry_time", None)
            return Keys(frozen.access_key, frozen.secret_key, frozen.token, expires, region)
        sts = session.create_client("sts", region_name=region or "us-east-1")
        issued = sts.get_session_token()["Credentials"]
        return Keys(
            str(issued["AccessKeyId"]),
            str(issued["SecretAccessKey"]),
            str(issued["SessionToken"]),
            issued["Expiration"],
            region,
        )
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line with its fix
        return awsidentity.classify(profile, exc)
