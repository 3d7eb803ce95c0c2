"""Which profile settings can make the computer run a program, and so wait for the person's trust.

Every key of the profile schema is in KEYS: inert (with the reason it cannot run anything) or
covered (a team's value waits until the person trusts it). A key added to the schema without
a line here fails the test suite, so nothing new slips through unclassified.

Git settings are covered unless GIT_INERT names them: git reads hundreds of settings and
several run programs (core.fsmonitor, core.pager, alias.*, filter.*, ...), so only an explicit
list of settings known to be inert applies without trust.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bootstrap.profiles import load as profiles

Loc = tuple[Any, ...]

INERT = "inert"
COVERED = "covered"
# covered, but bootstrap does not hold it back yet: stated in code so that nobody mistakes it for safe
NOT_YET = "covered, not enforced yet"

# schema path ('*': any map key, '[]': any list item) -> (class, why)
KEYS: dict[str, tuple[str, str]] = {
    "schema": (INERT, "a format number"),
    "name": (INERT, "one line of text, in comments of the files written"),
    "description": (INERT, "text shown to the person"),
    "extends": (INERT, "names other profiles: each value they hold is judged by the file it comes from"),
    "layer": (INERT, "hides the profile from the first run's menu"),
    "prompts.id": (INERT, "a name used in templates"),
    "prompts.message": (INERT, "a question shown to the person"),
    "prompts.type": (INERT, "one of text, confirm, select, password"),
    "prompts.default": (INERT, "a suggested answer; where it lands, the value is checked like any other"),
    "prompts.choices": (INERT, "answers offered to the person"),
    "prompts.pattern": (INERT, "a regular expression answers are checked against"),
    "prompts.hint": (INERT, "text shown to the person"),
    "prompts.when": (INERT, "names earlier questions"),
    "commands": (COVERED, "shell commands: they run only once their exact text is trusted"),
    "components.git.min_version": (INERT, "a version compared with git's"),
    "components.git.user.name": (INERT, "one line of text"),
    "components.git.user.email": (INERT, "one line of text"),
    "components.git.config": (COVERED, "git settings other than the inert ones listed below can run programs"),
    "components.git.ignore": (INERT, "patterns of files git ignores, one line each"),
    "components.git.hosts.host": (INERT, "a host name, checked for its form"),
    "components.git.hosts.user": (INERT, "a user name of letters, digits and . _ -"),
    "components.git.hosts.port": (INERT, "a number"),
    "components.git.hosts.key_url": (INERT, "an address shown to the person, one line"),
    "components.git.hosts.repos": (INERT, "repositories read with `git ls-remote`; never an option or a helper (X::Y)"),
    "components.git.hosts.host_keys": (INERT, "public host keys, one line each of a fixed form"),
    "components.git.allow_empty_passphrase": (INERT, "whether a new SSH key may have no passphrase"),
    "components.shell.shells": (INERT, "one of bash, zsh, fish"),
    "components.shell.completions": (INERT, "names of commands to complete; only known tools print their own"),
    "components.shell.path": (COVERED, "a folder first on PATH runs its own programs for common names"),
    "components.shell.env": (COVERED, "variables such as BASH_ENV or LD_PRELOAD run programs"),
    "components.shell.aliases": (COVERED, "an alias runs its text in place of a command the person types"),
    "components.shell.history": (INERT, "a switch"),
    "components.shell.prompt": (INERT, "a switch"),
    "components.shell.highlighting": (INERT, "a switch"),
    "components.shell.autosuggestions": (INERT, "a switch"),
    "components.aws.min_version": (INERT, "a version"),
    "components.aws.default_profile": (INERT, "one of the profile's AWS profiles"),
    "components.aws.process_profiles": (
        INERT,
        "names of the profile's AWS profiles; the credential_process it writes runs bootstrap itself with that name",
    ),
    **{
        f"components.aws.sso_sessions.{key}": (INERT, "one line of ~/.aws/config that names no program")
        for key in ("start_url", "region", "registration_scopes", "when")
    },
    **{
        f"components.aws.profiles.{key}": (INERT, "one line of ~/.aws/config that names no program")
        for key in (
            "sso_session",
            "account_id",
            "role_name",
            "role_arn",
            "source_profile",
            "credential_source",
            "mfa_serial",
            "duration_seconds",
            "external_id",
            "role_session_name",
            "region",
            "output",
            "when",
        )
    },
    "components.terraform.version": (INERT, "a version, downloaded from HashiCorp and checked by signature"),
    "components.terraform.mirror": (COVERED, "where Terraform is downloaded from"),
    "components.terraform.keys": (COVERED, "the keys Terraform's signature is checked with"),
    "components.terraform.verify": (COVERED, "false installs Terraform without checking its signature"),
    "components.terraform.terragrunt.version": (INERT, "a version"),
    "components.terraform.terragrunt.mirror": (COVERED, "where Terragrunt is downloaded from"),
    "components.terraform.terragrunt.api": (COVERED, "where Terragrunt's releases are listed"),
    "components.terraform.terragrunt.keys": (COVERED, "the keys Terragrunt's checksums are checked with"),
    "components.terraform.opentofu.version": (INERT, "a version, downloaded from GitHub and checked by signature"),
    "components.terraform.opentofu.mirror": (COVERED, "where OpenTofu is downloaded from"),
    "components.terraform.opentofu.api": (COVERED, "where OpenTofu's releases are listed"),
    "components.terraform.opentofu.keys": (COVERED, "the keys OpenTofu's signature is checked with"),
    "components.secrets.backend": (INERT, "one of the known password managers"),
    "components.secrets.env": (INERT, "references to secrets, under names that cannot change how programs start"),
    "components.packages.system": (COVERED, "software installed as root"),
    "components.packages.uv_tools": (COVERED, "Python tools from PyPI: anyone can publish one"),
    "components.packages.docker": (INERT, "doctor checks that Docker runs"),
    "components.packages.index_url": (COVERED, "where every Python tool comes from"),
    "components.dotfiles": (COVERED, "files written anywhere in the home, some of them programs"),
    # connections: no key names a program, an extension or SQL run on connecting (none exists in
    # the schema; a driver option that loads code or runs init SQL must be added as covered)
    "components.connections.type": (INERT, "one of the known kinds of database"),
    "components.connections.host": (INERT, "where to connect, one line"),
    "components.connections.port": (INERT, "a number"),
    "components.connections.database": (INERT, "a name, one line"),
    "components.connections.user": (INERT, "a name, one line"),
    "components.connections.password": (
        INERT,
        "a secret reference, resolved in memory only when a check or a command needs it",
    ),
    "components.connections.private_key": (
        INERT,
        "a secret reference, resolved in memory only when a check or a command needs it",
    ),
    "components.connections.sslmode": (INERT, "one of libpq's sslmode values"),
    "components.connections.account": (INERT, "a Snowflake account name, one line"),
    "components.connections.authenticator": (
        INERT,
        "one of Snowflake's sign-ins (browser, password, key pair, Okta), never a program",
    ),
    "components.connections.warehouse": (INERT, "a name, one line"),
    "components.connections.role": (INERT, "a name, one line"),
    "components.connections.schema": (INERT, "a name, one line"),
    "components.connections.aws_profile": (
        INERT,
        "names an AWS profile: what it runs is judged where that profile is defined",
    ),
    "components.connections.workgroup": (INERT, "a name, one line"),
    "components.connections.region": (INERT, "a name, one line"),
    "components.connections.s3_staging_dir": (INERT, "where Athena keeps query results, an s3:// address"),
    "components.connections.path": (
        INERT,
        "a local DuckDB file, opened read-only with extension loading off (md:, s3: and other addresses refused)",
    ),
    "components.connections.project": (INERT, "a name, one line"),
    "components.connections.dataset": (INERT, "a name, one line"),
    "components.connections.method": (INERT, "oauth: the person's own gcloud sign-in"),
    "components.connections.http_path": (INERT, "where the SQL warehouse answers, one line"),
    "components.connections.auth": (INERT, "one of two OAuth sign-ins (the databricks CLI or the browser)"),
    "components.connections.catalog": (INERT, "a name, one line"),
    "components.connections.dbt.profile": (INERT, "a plain name in ~/.dbt/profiles.yml"),
    "components.connections.dbt.target": (INERT, "a plain name in ~/.dbt/profiles.yml"),
    "components.connections.dbt.schema": (
        INERT,
        "a name in ~/.dbt/profiles.yml; '{{' and '{%' are refused, so dbt renders no template from it",
    ),
}

# Git settings that apply without trust: none of them names a program, a file or a place
# programs are fetched from. Lower case, as git compares section and key names.
GIT_INERT = frozenset(
    {
        "user.name",
        "user.email",
        "init.defaultbranch",
        "pull.rebase",
        "pull.ff",
        "fetch.prune",
        "fetch.prunetags",
        "rebase.autostash",
        "rebase.autosquash",
        "rebase.updaterefs",
        "push.autosetupremote",
        "push.default",
        "push.followtags",
        "merge.ff",
        "merge.conflictstyle",
        "core.autocrlf",
        "core.eol",
        "core.safecrlf",
        "core.whitespace",
        "core.quotepath",
        "diff.algorithm",
        "diff.colormoved",
        "diff.renames",
        "status.showuntrackedfiles",
        "log.date",
        "branch.sort",
        "tag.sort",
        "column.ui",
        "rerere.enabled",
        "commit.verbose",
    }
)
GIT_INERT_SECTIONS = ("color.", "advice.")  # colours and hints, at any depth


def git_inert(key: str) -> bool:
    lowered = key.lower()
    return lowered in GIT_INERT or lowered.startswith(GIT_INERT_SECTIONS)


@dataclass(frozen=True)
class Item:
    """One covered setting of a profile: where it is, and how the person reads it."""

    component: str
    loc: Loc
    what: str
    whole: bool = False  # the component waits as a whole (it cannot apply a part of it)


# the parts of what `profile trust` shows, in the order shown (commands come first, in full)
GIT_GROUP = "git settings that can run programs"
SHELL_GROUP = "shell aliases, variables and folders on PATH"
FILES_GROUP = "files, and where they go"
SOFTWARE_GROUP = "software, and where it comes from"
UNVERIFIED_GROUP = "downloads not verified by their publisher's signature"
GROUPS = (GIT_GROUP, SHELL_GROUP, FILES_GROUP, SOFTWARE_GROUP, UNVERIFIED_GROUP)


def group(item: Item) -> str:
    """The part of the trust summary an item is shown in."""
    if item.component == "terraform":
        return UNVERIFIED_GROUP if item.loc[-1] in ("keys", "verify") else SOFTWARE_GROUP
    return {"git": GIT_GROUP, "shell": SHELL_GROUP, "dotfiles": FILES_GROUP}.get(item.component, SOFTWARE_GROUP)


def _text(value: Any) -> str:
    return str(value.get("name") if isinstance(value, dict) else value)


def items(data: Any) -> list[Item]:
    """Every covered setting in a profile's data (one file as written, or a merged profile)."""
    found: list[Item] = []
    parts = data.get("components") if isinstance(data, dict) else None
    if not isinstance(parts, dict):
        return found
    git, shell, packages = parts.get("git"), parts.get("shell"), parts.get("packages")
    base: Loc = ("components",)
    if isinstance(git, dict) and isinstance(git.get("config"), dict):
        for key in git["config"]:
            if not git_inert(str(key)):
                found.append(Item("git", (*base, "git", "config", key), f"git setting {key}"))
    if isinstance(shell, dict):
        for key, what in (("aliases", "shell alias"), ("env", "shell variable")):
            if isinstance(shell.get(key), dict):
                found += [Item("shell", (*base, "shell", key, k), f"{what} {k}") for k in shell[key]]
        if isinstance(shell.get("path"), list):
            found += [
                Item("shell", (*base, "shell", "path", i), f"folder on PATH {v}") for i, v in enumerate(shell["path"])
            ]
    if isinstance(packages, dict):
        for key, what in (("system", "system package"), ("uv_tools", "Python tool")):
            if isinstance(packages.get(key), list):
                found += [
                    Item("packages", (*base, "packages", key, i), f"{what} {_text(v)}")
                    for i, v in enumerate(packages[key])
                ]
        if packages.get("index_url") is not None:
            found.append(Item("packages", (*base, "packages", "index_url"), "Python package index"))
    if isinstance(parts.get("dotfiles"), list):
        for i, v in enumerate(parts["dotfiles"]):
            target = v.get("target") if isinstance(v, dict) else v
            found.append(Item("dotfiles", (*base, "dotfiles", i), f"file {target}"))
    terraform = parts.get("terraform")
    if isinstance(terraform, dict):
        for key in ("mirror", "keys", "verify"):
            if terraform.get(key) is not None and terraform[key] is not True:  # verify: true is the default
                found.append(Item("terraform", (*base, "terraform", key), f"Terraform {key}", whole=True))
        for part, product in (("terragrunt", "Terragrunt"), ("opentofu", "OpenTofu")):
            tool = terraform.get(part)
            if isinstance(tool, dict):
                for key in ("mirror", "api", "keys"):
                    if tool.get(key) is not None:
                        found.append(Item("terraform", (*base, "terraform", part, key), f"{product} {key}", whole=True))
    return found


def without(data: dict[str, Any], held: list[Item]) -> dict[str, Any]:
    """The profile's data with the held settings taken out (a component held whole goes)."""
    import copy

    out = copy.deepcopy(data)
    parts = out.get("components") or {}
    dropped: dict[Loc, set[Any]] = {}
    for item in held:
        if item.whole:
            parts.pop(item.component, None)
            continue
        dropped.setdefault(item.loc[:-1], set()).add(item.loc[-1])
    for parent, keys in dropped.items():
        container = value_at(out, parent)
        if isinstance(container, dict):
            for key in keys:
                container.pop(key, None)
        elif isinstance(container, list):
            container[:] = [v for i, v in enumerate(container) if i not in keys]
    return out


def value_at(data: Any, loc: Loc) -> Any:
    return profiles._at(data, loc)  # the one walk to a value by its place
