"""`bootstrap profile new`: a team repository that validates out of the box.

It holds one profile extending a built-in role, a README whose first command is the one a new
hire runs, a pre-commit hook and a CI job that run `bootstrap profile validate`.

What it wrote is recorded (each file's hash, in bootstrap's state folder), so that running it
again on the same folder, with another --team say, rewrites a folder it made and nobody has
edited since; any other non-empty folder is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bootstrap.system import files
from bootstrap.system.errors import UserError

PLACEHOLDER_REPO = "https://git.example.com/{team}/{folder}.git"
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
# The team's databases: written into dbt's profiles.yml and the tools' own files (never a
# password: that stays in the password manager), and checked by `bootstrap doctor` with a query.
#  connections:
#    warehouse:
#      type: postgres
#      host: db.internal.example.com
#      database: analytics
#      user: "{{{{ answers.email }}}}"
#      password: pass://data/warehouse
#      dbt: {{profile: {spec.team}, target: dev}}
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


def team_name(folder: Path) -> str:
    """The team a folder is for: its name, less a trailing `-profiles` (acme-profiles: acme)."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", folder.name.lower()).strip("-.")
    return slug.removesuffix("-profiles").strip("-.") or slug or "team"


def placeholder_repo(team: str, folder: Path) -> str:
    """An example address for the repository: the team's space, the folder's name once."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", folder.name.lower()).strip("-.") or f"{team}-profiles"
    return PLACEHOLDER_REPO.format(team=team, folder=slug)


@dataclass
class Written:
    """What `create` did, file by file."""

    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _present(folder: Path) -> dict[str, str]:
    """Every file in folder (git's own folder aside) by its path inside it, with its hash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] == ".git" or path.is_dir():
            continue
        found[relative.as_posix()] = _digest(path.read_bytes()) if path.is_file() else "(not a file)"
    return found


def _records(record: Path) -> dict[str, dict[str, str]]:
    raw = files.read(record)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _check_ours(folder: Path, shown: str, made: Optional[dict[str, str]]) -> None:
    """Refuse a folder with anything in it that is not exactly what `profile new` wrote there."""
    if not any(folder.iterdir()):
        return
    present = _present(folder)
    if made is None:
        raise UserError(f"{shown} already exists and is not empty; choose a new folder for the team repository")
    changed = sorted(name for name in set(present) | set(made) if present.get(name) != made.get(name))
    if changed:
        raise UserError(
            f"{shown} was made by `bootstrap profile new`, but {changed[0]} changed since, so nothing was "
            "rewritten; make the change by hand there, or choose a new folder"
        )


def create(folder: Path, spec: Spec, record: Path, shown: str) -> Written:
    """Write the repository into folder: a missing or empty one, or one this made and nobody
    has changed since (rewritten for the new spec). `record` keeps what was written where."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{shown} already exists and is not a folder; choose a new folder for the team repository")
    key = str(folder.resolve())
    records = _records(record)
    if folder.is_dir():
        _check_ours(folder, shown, records.get(key))
    old = records.get(key, {}) if folder.is_dir() else {}
    wanted = {relative: text.encode("utf-8") for relative, text in contents(spec).items()}
    done = Written()
    for relative, data in wanted.items():
        path = folder / relative
        if relative in old:
            if old[relative] == _digest(data):
                continue
            done.updated.append(path)
        else:
            done.created.append(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        files.atomic_write(path, data, 0o644)
    for relative in sorted(set(old) - set(wanted)):  # a file the new spec names otherwise
        (folder / relative).unlink(missing_ok=True)
        done.removed.append(folder / relative)
    records[key] = {relative: _digest(data) for relative, data in wanted.items()}
    record.parent.mkdir(parents=True, exist_ok=True)
    files.atomic_write(record, (json.dumps(records, indent=2, sort_keys=True) + "\n").encode("utf-8"), 0o600)
    return done
