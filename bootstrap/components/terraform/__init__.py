"""Terraform: verified installs of pinned versions and a shim that runs the right one per
project, and Terragrunt the same way (terragrunt); the version grammar (constraints), version
files and pins (pins), what both commands share (pinned) and how versions are shown (render).

Uses bootstrap.system (among it the release client and signature check, releases and verify),
bootstrap.profiles, and the shell component (the init scripts that put the shim on PATH).
"""
