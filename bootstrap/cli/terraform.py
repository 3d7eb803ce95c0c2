"""`bootstrap terraform ...`: install, use, list, which and uninstall pinned Terraform versions."""

from __future__ import annotations

from bootstrap.cli.pinned import app_for
from bootstrap.components.terraform.tools import TERRAFORM

app = app_for(TERRAFORM, "Pinned Terraform versions: verified installs, and the right version in each project.")
