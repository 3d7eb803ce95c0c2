"""`bootstrap tofu ...`: install, use, list, which and uninstall pinned OpenTofu versions."""

from __future__ import annotations

from bootstrap.cli.pinned import app_for
from bootstrap.components.terraform.tools import OPENTOFU

app = app_for(
    OPENTOFU,
    "Pinned OpenTofu versions from GitHub's release downloads (or the team's mirror), each checked against "
    "its SHA256SUMS and OpenTofu's signature: verified installs, and the right version in each project.",
)
