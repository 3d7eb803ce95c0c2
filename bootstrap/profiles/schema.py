"""Profile schema 1, as typed models: validation, defaults and the published JSON Schema.

Strict on purpose: unknown keys are errors (typos never pass silently) and values are not
coerced (YAML reads `2.30` as the number 2.3 and `0123` as 83; we ask for quotes instead).
"""

from __future__ import annotations

import re
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

SCHEMA_VERSION = 1
COMPONENTS = ("git", "shell", "aws", "terraform", "secrets", "packages", "dotfiles", "connections")
SELECTABLE = (*COMPONENTS, "commands")
SECRET_REFERENCE = re.compile(r"^(op://[^/\s]+/[^/\s]+/\S+|bw://\S+|pass://\S+|keyring://[^/\s]+/\S+)$")
PROMPT_ID = r"^[a-z][a-z0-9_]*$"
# control characters, and the line separators some file formats (YAML, JavaScript) break lines at
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# a package as its manager names it: never an option (-x), a path, a URL or a VCS reference
PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@-]*")
BREW_TAP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._+@-]*")
# variables that change how programs start or where they come from: a secret may not be one
STARTUP_VARIABLES = frozenset(
    {
        "PATH",
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "DYLD_INSERT_LIBRARIES",
        "DYLD_LIBRARY_PATH",
        "DYLD_FRAMEWORK_PATH",
        "BASH_ENV",
        "ENV",
        "ZDOTDIR",
        "PROMPT_COMMAND",
        "PS0",
        "PS1",
        "PS4",
        "SHELLOPTS",
        "BASHOPTS",
        "IFS",
        "CDPATH",
        "HOME",
        "SHELL",
        "PYTHONSTARTUP",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONINSPECT",
        "PYTHONUSERBASE",
        "PYTHONBREAKPOINT",
        "PERL5LIB",
        "PERL5OPT",
        "PERLLIB",
        "RUBYOPT",
        "RUBYLIB",
        "NODE_OPTIONS",
        "NODE_PATH",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_EXEC_PATH",
        "GIT_ASKPASS",
        "SSH_ASKPASS",
        "GIT_EDITOR",
        "GIT_PAGER",
        "GIT_EXTERNAL_DIFF",
        "GIT_PROXY_COMMAND",
        "GIT_TEMPLATE_DIR",
        "GIT_CONFIG",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "EDITOR",
        "VISUAL",
        "PAGER",
        "MANPAGER",
        "LESSOPEN",
        "LESSCLOSE",
        "BROWSER",
        "TERMINFO",
        "SUDO_ASKPASS",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "TF_CLI_CONFIG_FILE",
        "TF_PLUGIN_CACHE_DIR",
    }
)


def one_line(value: str, what: str) -> str:
    """A value written into one line of a file: a control character (a newline) would add lines of its own."""
    if CONTROL.search(value):
        raise ValueError(f"{what} holds a line break or another control character; write it on one line")
    return value


def package_name(value: str, tap: bool = False) -> str:
    if PACKAGE_NAME.fullmatch(value) or (tap and BREW_TAP_NAME.fullmatch(value)):
        return value
    raise ValueError(
        f"'{CONTROL.sub('?', value)}' is not a package name (letters, digits and . _ + @ -, "
        "not an option, a path or a URL)"
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Prompt(Strict):
    """A question asked on the first run; its answer is used as `{{ answers.ID }}`."""

    id: str = Field(pattern=PROMPT_ID, description="Name used in templates: answers.<id>")
    message: str = Field(description="The question, in words a new hire understands")
    type: Literal["text", "confirm", "select", "password"] = "text"
    default: Optional[Union[str, bool]] = None
    choices: Optional[list[str]] = Field(default=None, description="The options of a select")
    pattern: Optional[str] = Field(default=None, description="A regular expression the answer must match")
    hint: Optional[str] = Field(
        default=None,
        description="What a right answer looks like, said when an answer does not match `pattern` "
        "(the pattern itself is never shown), e.g. 'a work email such as dana@acme.com'",
    )
    when: Optional[str] = Field(
        default=None,
        description='Ask only when this is true, naming a question asked before this one, e.g. "{{ answers.aws_start_url }}" '
        "(answered); otherwise the question takes its default (empty when it has none)",
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: Optional[str]) -> Optional[str]:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"is not a valid regular expression ({exc})") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Prompt:
        if self.type == "select" and not self.choices:
            raise ValueError("a select question needs `choices`")
        if self.type != "select" and self.choices:
            raise ValueError("`choices` only goes with `type: select`")
        if self.type == "confirm" and self.default is not None and not isinstance(self.default, bool):
            raise ValueError("the default of a confirm question is true or false")
        if self.type != "confirm" and isinstance(self.default, bool):
            raise ValueError("only a confirm question takes true/false as its default")
        if self.type == "password" and self.default is not None:
            raise ValueError("a password question cannot have a default")
        if self.choices and self.default is not None and self.default not in self.choices:
            raise ValueError(f"the default '{self.default}' is not one of the choices")
        return self


class GitUser(Strict):
    name: Optional[str] = None
    email: Optional[str] = None

    @field_validator("name", "email")
    @classmethod
    def _one_line(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else one_line(value, "it")


class GitHost(Strict):
    host: str = Field(description="The git host's name, e.g. github.com")
    user: str = Field(default="git", pattern=r"^[A-Za-z0-9._-]+$")
    port: int = Field(default=22, ge=1, le=65535)
    key_url: Optional[str] = Field(default=None, description="The page where a user adds an SSH key")
    repos: list[str] = Field(default_factory=list, description="Repositories that prove access works")
    host_keys: list[str] = Field(
        default_factory=list,
        description="The host's public keys as it publishes them ('ssh-ed25519 AAAA...'); "
        "recorded without asking, so unattended runs can trust the host",
    )

    @field_validator("host")
    @classmethod
    def _host_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value):
            raise ValueError(
                f"'{CONTROL.sub('?', value)}' should be a host name such as github.com (no https://, user or path)"
            )
        return value

    @field_validator("key_url")
    @classmethod
    def _url_line(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else one_line(value, "it")

    @field_validator("repos")
    @classmethod
    def _repositories(cls, value: list[str]) -> list[str]:
        for repo in value:
            # git reads a leading - as an option (--upload-pack runs a program) and X::Y as a helper
            if repo.startswith("-") or "::" in repo or re.search(r"[\s\x00-\x1f\x7f]", repo):
                raise ValueError(
                    "a repository is written like git@github.com:acme/analytics.git or "
                    "https://github.com/acme/analytics (no spaces, no leading -)"
                )
        return value

    @field_validator("host_keys")
    @classmethod
    def _key_lines(cls, value: list[str]) -> list[str]:
        for line in value:
            if not re.fullmatch(r"(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}", line):
                raise ValueError("a host key is one line 'TYPE BASE64', e.g. 'ssh-ed25519 AAAAC3Nza...'")
        return value


class Git(Strict):
    min_version: Optional[str] = Field(default=None, description='Oldest git accepted, e.g. "2.30"')
    user: Optional[GitUser] = None
    config: dict[str, Union[str, bool, int]] = Field(
        default_factory=dict, description="Global git settings, e.g. pull.rebase: 'true'"
    )
    ignore: list[str] = Field(default_factory=list, description="Patterns for the global excludes file")
    hosts: list[GitHost] = Field(default_factory=list, description="The team's git hosts, reached over SSH")
    allow_empty_passphrase: bool = Field(
        default=False, description="A new SSH key may have no passphrase (needed for unattended runs)"
    )

    @field_validator("config")
    @classmethod
    def _keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if CONTROL.search(key) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*(\..+)?\.[A-Za-z][A-Za-z0-9-]*", key):
                raise ValueError(f"'{CONTROL.sub('?', key)}' is not a git setting name (like pull.rebase)")
        for key, setting in value.items():
            if isinstance(setting, str):
                one_line(setting, f"'{key}'")
        return value

    @field_validator("ignore")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            one_line(pattern, "an ignore pattern")
        return value


AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
AWS_ACCOUNT = re.compile(r"^\d{12}$")
WHEN_DESCRIPTION = 'Write it only when this is true, e.g. "{{ answers.aws_start_url }}" (answered)'


def _filled(value: str, rule: re.Pattern[str]) -> bool:
    """The value fits the rule, is an answer not given yet (checked once it is), or is empty
    (an optional answer left empty: _no_empty_values decides whether that is allowed)."""
    from bootstrap.profiles.conditions import unanswered

    return bool(rule.match(value)) or unanswered(value) or value == ""


def _no_empty_values(model: BaseModel, when: Optional[str]) -> None:
    """An empty value (an optional question left empty) is fine only in a section left out by
    its `when`; a section that is written needs every value it names."""
    from bootstrap.profiles.conditions import FALSE, unanswered

    if when is not None and (unanswered(when) or when.strip().lower() in FALSE):
        return
    for key, value in model:
        if value == "":
            raise ValueError(f"{key} is empty, and this AWS section needs it (it is written: its `when` holds)")


def _lines(model: BaseModel) -> None:
    """Each value of an AWS section is one line of ~/.aws/config: a line break would add settings
    (a credential_process, which AWS tools run) that the profile never named."""
    for key, value in model:
        if isinstance(value, str):
            one_line(value, key)


def _section_names(names: Any, what: str) -> None:
    for name in names:
        if CONTROL.search(name) or re.search(r"[\[\]]", name) or name != name.strip() or not name:
            raise ValueError(f"'{CONTROL.sub('?', name)}' is not a usable {what} name (one line, no [ or ])")


class SsoSession(Strict):
    start_url: str = Field(description="The IAM Identity Center start URL, https://....awsapps.com/start")
    region: str = Field(description="The region IAM Identity Center runs in, e.g. eu-west-1")
    registration_scopes: Optional[str] = None
    when: Optional[str] = Field(default=None, description=WHEN_DESCRIPTION)

    @field_validator("start_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not _filled(value, re.compile(r"^https://[^/\s]+\.[^/\s]+(/\S*)?$")):
            raise ValueError(
                f"'{CONTROL.sub('?', value)}' should be a web address such as https://yourcompany.awsapps.com/start"
            )
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not _filled(value, AWS_REGION):
            raise ValueError(f"'{CONTROL.sub('?', value)}' should be an AWS region name such as eu-west-1 or us-east-1")
        return value

    @model_validator(mode="after")
    def _complete(self) -> SsoSession:
        _lines(self)
        _no_empty_values(self, self.when)
        return self


class AwsProfile(Strict):
    sso_session: Optional[str] = None
    account_id: Optional[str] = Field(default=None, description="12 digits, in quotes")
    role_name: Optional[str] = Field(default=None, description="The permission set, e.g. ReadOnlyAccess")
    role_arn: Optional[str] = None
    source_profile: Optional[str] = None
    credential_source: Optional[Literal["Environment", "Ec2InstanceMetadata", "EcsContainer"]] = None
    mfa_serial: Optional[str] = None
    duration_seconds: Optional[int] = None
    external_id: Optional[str] = None
    role_session_name: Optional[str] = None
    region: Optional[str] = None
    output: Optional[str] = None
    when: Optional[str] = Field(default=None, description=WHEN_DESCRIPTION)

    @field_validator("account_id")
    @classmethod
    def _account(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _filled(value, AWS_ACCOUNT):
            raise ValueError(f"'{CONTROL.sub('?', value)}' should be a 12-digit AWS account number, in quotes")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _filled(value, AWS_REGION):
            raise ValueError(f"'{CONTROL.sub('?', value)}' should be an AWS region name such as eu-west-1 or us-east-1")
        return value

    @model_validator(mode="after")
    def _complete(self) -> AwsProfile:
        _lines(self)
        _no_empty_values(self, self.when)
        return self


class Aws(Strict):
    min_version: Optional[str] = None
    sso_sessions: dict[str, SsoSession] = Field(default_factory=dict)
    profiles: dict[str, AwsProfile] = Field(default_factory=dict)
    default_profile: Optional[str] = Field(
        default=None,
        description="A profile that `aws` uses without --profile: copied into [default], unless you have a [default] of your own",
    )
    process_profiles: list[str] = Field(
        default_factory=list,
        description="Profiles that also get a [profile NAME-process] whose credential_process is `bootstrap aws "
        "credentials --profile NAME`, for tools that cannot sign in to SSO themselves",
    )

    @field_validator("sso_sessions", "profiles")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        _section_names(value, "section")  # each is the [name] line of a section of ~/.aws/config
        return value

    @model_validator(mode="after")
    def _default_is_a_profile(self) -> Aws:
        if self.default_profile is not None and self.default_profile not in self.profiles:
            known = ", ".join(self.profiles) or "none"
            raise ValueError(f"default_profile '{self.default_profile}' is not one of its profiles ({known})")
        if self.default_profile is not None and "default" in self.profiles:
            raise ValueError("default_profile cannot be used together with a profile named default")
        return self

    @field_validator("process_profiles")
    @classmethod
    def _process_profiles(cls, value: list[str], info: ValidationInfo) -> list[str]:
        """Each one names a profile of this section, once; its companion's name is free."""
        if "profiles" not in info.data:
            return value  # the profiles themselves are wrong: that error says enough
        known = info.data["profiles"]
        for name in value:
            if name not in known:
                raise ValueError(
                    f"'{CONTROL.sub('?', name)}' is not one of its profiles ({', '.join(known) or 'none'})"
                )
            if f"{name}-process" in known:
                raise ValueError(f"'{name}-process' is already a profile, so {name} cannot have a -process companion")
        twice = sorted({n for n in value if value.count(n) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed twice; keep one")
        return value


class Terragrunt(Strict):
    version: Optional[str] = Field(
        default=None, description='The version installed and run by default, exactly (e.g. "0.67.16")'
    )
    mirror: Optional[str] = Field(
        default=None,
        description="Base URL laid out like https://github.com: <mirror>/gruntwork-io/terragrunt/releases/download/v<version>/",
    )
    api: Optional[str] = Field(
        default=None, description="Base URL of a GitHub API that lists the releases (default https://api.github.com)"
    )
    keys: Optional[str] = Field(
        default=None,
        description="ASCII-armoured OpenPGP public keys that sign SHA256SUMS; without them only the checksum is checked",
    )


class OpenTofu(Strict):
    version: Optional[str] = Field(
        default=None,
        description='The version installed and run by default: a version ("1.8.5"), a constraint or "latest"',
    )
    mirror: Optional[str] = Field(
        default=None,
        description="Base URL laid out like https://github.com: <mirror>/opentofu/opentofu/releases/download/v<version>/",
    )
    api: Optional[str] = Field(
        default=None, description="Base URL of a GitHub API that lists the releases (default https://api.github.com)"
    )
    keys: Optional[str] = Field(
        default=None,
        description="ASCII-armoured OpenPGP public keys that replace the built-in OpenTofu key for tofu_<v>_SHA256SUMS.gpgsig",
    )


class Terraform(Strict):
    version: Optional[str] = Field(
        default=None, description='Default version: a version, a constraint ("~> 1.5.0") or "latest"'
    )
    mirror: Optional[str] = Field(default=None, description="Base URL laid out like releases.hashicorp.com")
    keys: Optional[str] = Field(
        default=None, description="ASCII-armoured OpenPGP public keys that replace the built-in HashiCorp keys"
    )
    verify: bool = Field(
        default=True, description="Check SHA256SUMS signatures; false installs unverified and warns every time"
    )
    terragrunt: Optional[Terragrunt] = Field(
        default=None, description="Terragrunt, installed from GitHub's release downloads (or a mirror of them)"
    )
    opentofu: Optional[OpenTofu] = Field(
        default=None, description="OpenTofu (`tofu`), installed from GitHub's release downloads (or a mirror of them)"
    )


class Shell(Strict):
    shells: list[Literal["bash", "zsh", "fish"]] = Field(
        default_factory=list, description="Shells set up in addition to the login shell"
    )
    completions: list[str] = Field(
        default_factory=list,
        description="Commands to complete on TAB, besides bootstrap, git, aws and terraform (always set up)",
    )
    path: list[str] = Field(default_factory=list, description="Folders put on PATH, after ~/.local/bin")
    env: dict[str, str] = Field(default_factory=dict, description="Environment variables; a leading ~/ is your home")
    aliases: dict[str, str] = Field(default_factory=dict, description="Short names for longer commands")
    history: bool = Field(default=True, description="Large, de-duplicated, shared, timestamped history")
    prompt: bool = Field(default=False, description="A prompt showing the git branch and the active AWS profile")
    highlighting: bool = Field(default=False, description="zsh syntax highlighting when installed (fish has it)")
    autosuggestions: bool = Field(
        default=False, description="zsh suggestions from history when installed (fish has them)"
    )

    @field_validator("env")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or name == "PATH":
                raise ValueError(
                    f"'{CONTROL.sub('?', name)}' cannot be set here (a variable name is letters, digits and _; PATH goes under `path`)"
                )
        for name, text in value.items():
            one_line(text, name)
        return value

    @field_validator("path")
    @classmethod
    def _folders(cls, value: list[str]) -> list[str]:
        for folder in value:
            one_line(folder, "a folder")
        return value

    @field_validator("aliases")
    @classmethod
    def _alias_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@%+-]*", name):
                raise ValueError(
                    f"'{CONTROL.sub('?', name)}' is not a usable alias name (letters, digits and _ . @ % + -)"
                )
        for name, text in value.items():
            one_line(text, name)
        return value

    @field_validator("completions")
    @classmethod
    def _command_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*", name):
                raise ValueError(f"'{CONTROL.sub('?', name)}' is not a command name")
        return value


class Secrets(Strict):
    backend: Optional[Literal["pass", "op", "bw", "keyring"]] = None
    env: dict[str, str] = Field(
        default_factory=dict,
        description="Environment variable -> secret reference (op://, bw://, pass://, keyring://)",
    )

    @field_validator("env")
    @classmethod
    def _references(cls, value: dict[str, str]) -> dict[str, str]:
        for name, ref in value.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(f"'{CONTROL.sub('?', name)}' is not a variable name (letters, digits and _)")
            if name.upper() in STARTUP_VARIABLES or name.upper().startswith(("LD_", "DYLD_", "BASH_FUNC_")):
                raise ValueError(
                    f"{name} changes how programs start, so a secret cannot be put in it; choose another variable name"
                )
            if not SECRET_REFERENCE.match(ref):
                # Never echo the value: it may be the very secret that must not be written down.
                raise ValueError(
                    f"{name} must be a reference such as pass://team/item or op://vault/item/field, "
                    "not a value; keep the secret in the password manager"
                )
        return value


class Package(Strict):
    """One piece of software, named once; per-manager names only where they differ."""

    name: str = Field(description="The name you know it by; also the package name where no other is given")
    brew: Optional[str] = Field(default=None, description="Its Homebrew name, when different")
    apt: Optional[str] = Field(default=None, description="Its apt (Debian, Ubuntu) name, when different")
    dnf: Optional[str] = Field(default=None, description="Its dnf (Fedora) name, when different")
    version: Optional[str] = Field(
        default=None,
        description='"0.8.1" pins that release (Python tools); ">=1.6" or "~=3.2" sets what doctor accepts',
    )
    command: Optional[str] = Field(
        default=None, description="The program it provides, e.g. aws: found on PATH, it counts as installed"
    )
    when: Optional[str] = Field(default=None, description='Install only when this is true, e.g. "{{ answers.with_r }}"')
    recommends: bool = Field(
        default=False,
        description="apt and dnf also install what it recommends (off: only the packages the plan names)",
    )

    @field_validator("name", "apt", "dnf")
    @classmethod
    def _name(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else package_name(value)

    @field_validator("brew")
    @classmethod
    def _brew(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else package_name(value, tap=True)

    @field_validator("version")
    @classmethod
    def _version(cls, value: Optional[str]) -> Optional[str]:
        from bootstrap.system import versions

        if value is not None and not versions.valid(value):
            raise ValueError(f'\'{value}\' is not a version; write "0.8.1" to pin one, or ">=1.6" for a minimum')
        return value


class Packages(Strict):
    system: list[Union[str, Package]] = Field(
        default_factory=list, description="Installed with Homebrew (macOS), apt (Debian, Ubuntu) or dnf (Fedora)"
    )
    uv_tools: list[Union[str, Package]] = Field(
        default_factory=list, description="Python command-line tools from PyPI, installed with uv (or pipx)"
    )
    docker: bool = Field(
        default=False, description="doctor checks that a Docker engine runs (a warning when none does)"
    )
    index_url: Optional[str] = Field(
        default=None,
        description="The team's internal Python package index: Python tools come from it, and pip and uv are set up to use it",
    )

    @field_validator("system", "uv_tools")
    @classmethod
    def _names(cls, value: list[Union[str, Package]]) -> list[Union[str, Package]]:
        for item in value:
            if isinstance(item, str):
                package_name(item)
        return value

    @field_validator("index_url")
    @classmethod
    def _index(cls, value: Optional[str]) -> Optional[str]:
        # it lands inside quotes in uv.toml and on a line of pip.conf
        if value is not None and not re.fullmatch(r"https?://[^\s\"'\\\x00-\x1f\x7f]+", value):
            raise ValueError(
                f"'{CONTROL.sub('?', value)}' should be a web address such as https://pypi.acme.com/simple"
            )
        return value


class Dotfile(Strict):
    template: str = Field(description="A file name in dotfiles/ (or a path to a team's own template)")
    target: str = Field(description='Where it goes, e.g. "~/.editorconfig"')
    when: Optional[str] = Field(
        default=None, description='Write it only when this is true, e.g. "{{ answers.with_r }}"'
    )
    executable: bool = Field(default=False, description="Make the file a program that runs (a git hook, a script)")


# --- connections ------------------------------------------------------------------------------

CONNECTION_TYPES = ("postgres", "redshift", "snowflake", "athena", "duckdb", "bigquery", "databricks")
CONNECTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# the secret-bearing keys of a connection, and the variable each becomes
CONNECTION_SECRETS = ("password", "private_key")
# what each type needs and what it may name besides `type`, `dbt` and `when`
CONNECTION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "postgres": (("host", "database", "user"), ("port", "password", "sslmode")),
    "redshift": (("host", "database", "user"), ("port", "password", "sslmode")),
    "snowflake": (
        ("account", "user"),
        ("authenticator", "warehouse", "role", "database", "schema", "password", "private_key"),
    ),
    "athena": (("aws_profile", "region"), ("workgroup", "s3_staging_dir", "database", "schema")),
    "duckdb": (("path",), ()),
    "bigquery": (("project",), ("dataset", "method")),
    "databricks": (("host", "http_path"), ("auth", "catalog", "schema")),
}
DEFAULT_PORTS = {"postgres": 5432, "redshift": 5439}
_TEMPLATE = re.compile(r"\{\{|\{%|\{#")
_ANSWER = re.compile(r"\{\{\s*answers\.([a-z][a-z0-9_]*)\s*\}\}")


def connection_variable(name: str, key: str = "password") -> str:
    """The environment variable a connection's secret is handed over in; dbt hides the values
    of variables named DBT_ENV_SECRET_* from its logs."""
    return f"DBT_ENV_SECRET_{name.upper()}_{key.upper()}"


def _plain(value: str, what: str) -> str:
    """A value that lands in dbt's profiles.yml, which dbt renders as Jinja: a `{{` would run there."""
    one_line(value, what)
    if _TEMPLATE.search(_ANSWER.sub("", value)):
        raise ValueError(f"{what} holds '{{{{', '{{%' or '{{#', which dbt would run as a template; remove it")
    return value


class ConnectionDbt(Strict):
    """Where the connection goes in dbt's ~/.dbt/profiles.yml."""

    profile: str = Field(description="The dbt profile name (the `profile:` of dbt_project.yml)")
    target: str = Field(default="dev", description="The target within that profile")
    schema_: Optional[str] = Field(
        default=None, alias="schema", description='The schema dbt builds into, e.g. "dbt_{{ answers.db_user }}"'
    )

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    @field_validator("profile", "target")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", value):
            raise ValueError(f"'{CONTROL.sub('?', value)}' should be a plain name (letters, digits and _ . -)")
        return value

    @field_validator("schema_")
    @classmethod
    def _schema(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else _plain(value, "schema")


class Connection(Strict):
    """A database or warehouse the person queries; doctor proves it with a real query."""

    type: Literal["postgres", "redshift", "snowflake", "athena", "duckdb", "bigquery", "databricks"]
    host: Optional[str] = Field(default=None, description="postgres, redshift: the server; databricks: the workspace")
    port: Optional[int] = Field(default=None, ge=1, le=65535, description="postgres (5432), redshift (5439)")
    database: Optional[str] = None
    user: Optional[str] = None
    password: Optional[str] = Field(
        default=None, description="A secret reference (pass://, op://, bw://, keyring://), never the password"
    )
    sslmode: Optional[Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]] = None
    account: Optional[str] = Field(default=None, description="snowflake: the account identifier, e.g. acme-xy12345")
    authenticator: Optional[str] = Field(
        default=None,
        description="snowflake: externalbrowser (SSO, no secret), snowflake_jwt (key pair: private_key), "
        "or unset for a password",
    )
    warehouse: Optional[str] = None
    role: Optional[str] = None
    schema_: Optional[str] = Field(default=None, alias="schema")
    private_key: Optional[str] = Field(default=None, description="snowflake key pair: a secret reference to the key")
    aws_profile: Optional[str] = Field(default=None, description="athena: an AWS profile (from the aws component)")
    workgroup: Optional[str] = None
    region: Optional[str] = None
    s3_staging_dir: Optional[str] = Field(default=None, description="athena: s3://bucket/prefix/ for query results")
    path: Optional[str] = Field(default=None, description="duckdb: the database file, e.g. ~/data/local.duckdb")
    project: Optional[str] = Field(default=None, description="bigquery: the Google Cloud project")
    dataset: Optional[str] = None
    method: Optional[Literal["oauth"]] = Field(default=None, description="bigquery: oauth (gcloud sign-in)")
    http_path: Optional[str] = Field(default=None, description="databricks: the SQL warehouse's HTTP path")
    auth: Optional[Literal["databricks-cli", "external-browser"]] = Field(
        default=None, description="databricks: OAuth through the databricks CLI or the browser"
    )
    catalog: Optional[str] = None
    dbt: Optional[ConnectionDbt] = Field(default=None, description="Add this connection to ~/.dbt/profiles.yml")

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    @field_validator("authenticator")
    @classmethod
    def _sign_in(cls, value: Optional[str]) -> Optional[str]:
        known = ("externalbrowser", "snowflake", "snowflake_jwt", "oauth", "username_password_mfa")
        if value is None or value.lower() in known or _ANSWER.fullmatch(value):
            return value
        if re.fullmatch(r"https://[A-Za-z0-9.-]+\.okta\.com/?", value):
            return value  # native Okta sign-in
        raise ValueError(f"authenticator should be one of {', '.join(known)}, or https://<yours>.okta.com")

    @model_validator(mode="after")
    def _for_its_type(self) -> Connection:
        needed, allowed = CONNECTION_FIELDS[self.type]
        for key in CONNECTION_SECRETS:
            value = getattr(self, key)
            # never echo the value: it may be the very secret that must not be written down
            if value is not None and not SECRET_REFERENCE.match(value):
                raise ValueError(
                    f"{key} must be a secret reference such as pass://team/item or op://vault/item/field, "
                    "not the secret itself; keep it in the password manager"
                )
        fields = {(f.alias or n): n for n, f in type(self).model_fields.items()}
        for key, attr in fields.items():
            value = getattr(self, attr)
            if key in ("type", "dbt") or value is None:
                continue
            if key not in needed and key not in allowed:
                raise ValueError(
                    f"{key} does not go with type {self.type} (it takes {', '.join((*needed, *allowed, 'dbt'))})"
                )
            if isinstance(value, str):
                _plain(value, key)
        for key in needed:
            if getattr(self, fields[key]) in (None, ""):
                raise ValueError(f"type {self.type} needs `{key}`")
        if self.type == "snowflake":
            method = (self.authenticator or "snowflake").lower()
            if method == "snowflake_jwt" and self.private_key is None:
                raise ValueError("authenticator snowflake_jwt needs `private_key` (a secret reference)")
            if method == "snowflake" and self.password is None:
                raise ValueError(
                    "type snowflake without an authenticator signs in with a password: give `password` "
                    "(a secret reference), or `authenticator: externalbrowser` for SSO"
                )
        if self.type == "athena" and self.s3_staging_dir is not None and not self.s3_staging_dir.startswith("s3://"):
            raise ValueError("s3_staging_dir should be an S3 address such as s3://acme-athena-results/analysts/")
        if self.type == "duckdb" and self.path is not None and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", self.path):
            # md:, s3:, http: ... make DuckDB fetch and load an extension: a local file only
            raise ValueError("path should be a local file such as ~/data/local.duckdb (no md:, s3: or other address)")
        return self


class Command(Strict):
    name: str
    run: str
    unless: Optional[str] = None


class Components(Strict):
    git: Optional[Git] = None
    shell: Optional[Shell] = None
    aws: Optional[Aws] = None
    terraform: Optional[Terraform] = None
    secrets: Optional[Secrets] = None
    packages: Optional[Packages] = None
    dotfiles: Optional[list[Dotfile]] = None
    connections: Optional[dict[str, Connection]] = Field(
        default=None, description="The team's databases and warehouses, by the name people use in commands"
    )

    @field_validator("connections")
    @classmethod
    def _connection_names(cls, value: Optional[dict[str, Connection]]) -> Optional[dict[str, Connection]]:
        variables: dict[str, str] = {}
        for name in value or {}:
            if not CONNECTION_NAME.fullmatch(name):
                raise ValueError(
                    f"'{CONTROL.sub('?', name)}' is not a usable connection name (a letter, then letters, digits and _)"
                )
            other = variables.setdefault(name.upper(), name)
            if other != name:
                raise ValueError(
                    f"connections {other} and {name} differ only in case; their variables would be the same"
                )
        return value

    @model_validator(mode="after")
    def _connection_variables(self) -> Components:
        taken = set(self.secrets.env) if self.secrets else set()
        for name, conn in (self.connections or {}).items():
            for key in CONNECTION_SECRETS:
                variable = connection_variable(name, key)
                if getattr(conn, key) is not None and variable in taken:
                    raise ValueError(
                        f"secrets env names {variable}, the variable connection {name} hands its {key} over in; "
                        "rename that variable in secrets.env"
                    )
        return self


class Profile(Strict):
    """A role profile: what bootstrap sets up, and the questions it asks first."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    schema_: Literal[1] = Field(default=1, alias="schema", description="Profile format version")
    name: Optional[str] = Field(default=None, description="Defaults to the file name")

    @field_validator("name")
    @classmethod
    def _name(cls, value: Optional[str]) -> Optional[str]:
        # written into the first line of built-in templates (a comment of a git hook among them)
        return None if value is None else one_line(value, "the name")

    description: Optional[str] = None
    extends: list[str] = Field(default_factory=list, description="Profiles merged in first, in order")
    layer: bool = Field(
        default=False,
        description="A layer other profiles extend (like the built-in base), not a role: "
        "the first run's role menu does not offer it; never inherited",
    )
    prompts: list[Prompt] = Field(default_factory=list)
    components: Components = Field(default_factory=Components)
    commands: list[Command] = Field(
        default_factory=list, description="Shell commands; run only after `bootstrap profile trust`"
    )


def json_schema() -> dict[str, Any]:
    """The published JSON Schema, for editors (yaml-language-server) and CI checks."""
    schema = Profile.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "bootstrap profile (schema 1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }
