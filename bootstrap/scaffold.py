"""`bootstrap profile new`: a team repository that validates out of the box.

It holds one profile extending a built-in role, a README whose first command is the one a new
hire runs, a pre-commit hook and a CI job that run `bootstrap profile validate`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from bootstrap import files
from bootstrap.errors import UserError

PLACEHOLDER_REPO = "https://git.example.com/{team}/{team}-profiles.git"
PLACEHOLDER_PACKAGE = "https://git.example.com/tools/bootstrap.git"
PLACEHOLDER_INSTALLER = "https://git.example.com/tools/bootstrap/raw/main/install.sh"


@dataclass(frozen=True)
class Spec:
    """What the new repository says about itself."""

    team: str
    profile: str
    role: str
    repo_url: str  # where the team will publish this repository
    package: str  # where install.sh gets bootstrap from: a git URL or an archive URL
    installer: str  # where install.sh itself can be downloaded


def pip_spec(package: str) -> str:
    """What pip installs bootstrap from: `git+URL` for a repository, the URL itself for an archive."""
    if package.endswith((".tar.gz", ".tgz", ".zip", ".whl")) or package.startswith("git+"):
        return package
    return f"git+{package}"


def install_line(spec: Spec) -> str:
    args = ["--package", spec.package, "--profile-source", spec.repo_url, "--profile", f"{spec.team}/{spec.profile}"]
    return f"curl -fsSL {shlex.quote(spec.installer)} | sh -s -- {shlex.join(args)}"


def _profile(spec: Spec) -> str:
    return f"""\
# The {spec.team} team's {spec.role} setup. Check it with: bootstrap profile validate .
# Format: docs/profiles.md in bootstrap's repository; `bootstrap profile schema` prints the
# JSON Schema for editors.
schema: 1
name: {spec.profile}
description: The {spec.team} team's setup for {spec.role}s
extends: [{spec.role}]
components:
  git:
    ignore:
      - .env.local
# Shell commands run only after each person has read them and run
# `bootstrap profile trust {spec.team}`; any change to them needs trusting again.
# commands:
#   - name: Install the company certificate
#     run: ./scripts/install-ca.sh
#     unless: test -f ~/.local/share/ca/company.pem
"""


def _readme(spec: Spec) -> str:
    return f"""\
# {spec.team}: onboarding profiles

Everything a new {spec.team} teammate needs on their laptop, set up by
[bootstrap]({spec.package}).

## New here? Run this one command

```sh
{install_line(spec)}
```

It installs bootstrap, adds this repository as the team `{spec.team}` (pinned to the commit you
got), and sets up the `{spec.team}/{spec.profile}` profile after showing you what it will change.
If the profile has `commands:`, they are shown in full and run only after you allow them with
`bootstrap profile trust {spec.team}`.

Later: `bootstrap profile update {spec.team}` shows what changed and asks before using it;
`bootstrap doctor` checks everything.

## Changing the profiles

Profiles are the `*.yaml` files under `profiles/`. Before pushing, check them:

```sh
bootstrap profile validate .
```

The same check runs as a pre-commit hook (`pre-commit install`) and in CI
(`.github/workflows/validate.yml`; on any other CI run
`pip install "{pip_spec(spec.package)}" && bootstrap profile validate .`).
"""


def _precommit() -> str:
    return """\
# `pre-commit install` runs `bootstrap profile validate` on every changed profile.
repos:
  - repo: local
    hooks:
      - id: bootstrap-validate
        name: bootstrap profile validate
        entry: bootstrap profile validate
        language: system
        files: '^(profiles/)?[^/.][^/]*\\.ya?ml$'
"""


def _workflow(spec: Spec) -> str:
    return f"""\
name: validate profiles
on: [push, pull_request]
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "{pip_spec(spec.package)}"
      - run: bootstrap profile validate .
"""


def contents(spec: Spec) -> dict[str, str]:
    """Every file of the new repository, by its path inside it."""
    return {
        f"profiles/{spec.profile}.yaml": _profile(spec),
        "README.md": _readme(spec),
        ".pre-commit-config.yaml": _precommit(),
        ".github/workflows/validate.yml": _workflow(spec),
    }


def create(folder: Path, spec: Spec) -> list[Path]:
    """Write the repository into folder, which must be missing or empty."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError(f"{folder} already exists and is not empty; choose a new folder for the team repository")
    written = []
    for relative, text in contents(spec).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        files.atomic_write(path, text.encode("utf-8"), 0o644)
        written.append(path)
    return written
