"""Terraform: verified installs of pinned versions and a shim that runs the right one per
project, and Terragrunt and OpenTofu the same way. Each tool is described once (tools); what
they share is written once against that description (pinned: settings, downloads, receipts,
shims, the install step and doctor check); the version grammar (constraints), version files and
pins (pins), and how versions are shown (render).

Uses bootstrap.system (among it the release client and signature check, releases and verify),
bootstrap.profiles, and the shell component (the init scripts that put the shim on PATH).
"""
