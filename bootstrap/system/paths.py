"""Every path the tool uses, derived in one place (tests override HOME and XDG_* only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP = "bootstrap"


@dataclass(frozen=True)
class Paths:
    """The user's directories as this tool sees them."""

    home: Path
    config: Path
    data: Path
    state: Path
    cache: Path

    @property
    def runs(self) -> Path:
        """One folder per run: its journal and the backups of the files it changed."""
        return self.state / "runs"

    @property
    def lock(self) -> Path:
        return self.state / "run.lock"

    @property
    def logs(self) -> Path:
        """The whole output of programs that failed, newest kept (their reason is shown, this is the rest)."""
        return self.state / "logs"

    @property
    def crash_log(self) -> Path:
        return self.state / "crash.log"

    @property
    def remembered(self) -> Path:
        """The profile and answers chosen on the last run (never secrets)."""
        return self.config / "answers.yaml"

    @property
    def user_profiles(self) -> Path:
        return self.config / "profiles"

    @property
    def teams(self) -> Path:
        return self.data / "teams"

    @property
    def team_sources(self) -> Path:
        """Where each team's profiles come from and the commit (or content hash) they are pinned to."""
        return self.data / "team-sources.json"

    @property
    def trust(self) -> Path:
        """Hashes of the commands the user has reviewed and allowed, per team or profile file."""
        return self.data / "trust.json"

    @property
    def managed(self) -> Path:
        """What the last run set up for its profile, so a later run can let go of what is dropped."""
        return self.state / "managed.json"

    @property
    def scaffolded(self) -> Path:
        """The team repositories `bootstrap profile new` wrote, with each file's hash."""
        return self.state / "scaffolded.json"

    @property
    def commands_done(self) -> Path:
        """Which trusted commands without an `unless` check have run (they run once)."""
        return self.state / "commands-done.json"

    @property
    def venv(self) -> Path:
        return self.data / "venv"

    def versions(self, program: str) -> Path:
        """One folder per version of a pinned program (terraform, terragrunt, opentofu) bootstrap
        installed and checked."""
        return self.data / program / "versions"

    def release_cache(self, program: str) -> Path:
        """The cached list of a pinned program's releases, and notes already shown."""
        return self.cache / program

    @property
    def terraform_versions(self) -> Path:
        return self.versions("terraform")

    @property
    def terraform_cache(self) -> Path:
        return self.release_cache("terraform")

    @property
    def terragrunt_versions(self) -> Path:
        return self.versions("terragrunt")

    @property
    def user_bin(self) -> Path:
        return self.home / ".local" / "bin"

    @property
    def ssh_dir(self) -> Path:
        """~/.ssh: keys, config and known hosts (ssh wants it 0700)."""
        return self.home / ".ssh"

    @property
    def ssh_config(self) -> Path:
        return self.ssh_dir / "config"

    @property
    def known_hosts(self) -> Path:
        return self.ssh_dir / "known_hosts"

    @property
    def shell(self) -> Path:
        """The shell set-up that rc files source: env.sh, init.bash/zsh/fish, completions/."""
        return self.config / "shell"


def user_paths(home: Path) -> Paths:
    """Ask platformdirs (it honours XDG_* on Linux and the Library folders on macOS)."""
    import platformdirs

    return Paths(
        home=home,
        config=Path(platformdirs.user_config_dir(APP, appauthor=False)),
        data=Path(platformdirs.user_data_dir(APP, appauthor=False)),
        state=Path(platformdirs.user_state_dir(APP, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP, appauthor=False)),
    )


def _shipped(name: str) -> Path:
    # A wheel carries profiles/ and dotfiles/ inside the package; a source checkout has them
    # beside it. Both layouts are real: `pip install .` and `pip install -e .`.
    package = Path(__file__).resolve().parent.parent  # this file is in bootstrap/system/
    inside = package / "_data" / name
    return inside if inside.is_dir() else package.parent / name


def builtin_profiles() -> Path:
    return _shipped("profiles")


def aws_config_file(home: Path, env: dict[str, str]) -> Path:
    """The AWS CLI's config file: $AWS_CONFIG_FILE when set, else ~/.aws/config."""
    configured = env.get("AWS_CONFIG_FILE")
    return Path(configured).expanduser() if configured else home / ".aws" / "config"


def aws_credentials_file(home: Path, env: dict[str, str]) -> Path:
    configured = env.get("AWS_SHARED_CREDENTIALS_FILE")
    return Path(configured).expanduser() if configured else home / ".aws" / "credentials"


def bootstrap_command() -> list[str]:
    """This bootstrap as another program starts it, by absolute path: the `bootstrap` script
    installed beside this Python (a virtual environment's bin folder, not resolved, so it stays
    inside that environment), else this Python running the package."""
    import os
    import sys

    python = Path(sys.executable).absolute()
    script = python.parent / "bootstrap"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [str(python), "-m", "bootstrap"]


def aws_sso_cache(home: Path) -> Path:
    """Where `aws sso login` keeps its tokens, named after the sha1 of the session."""
    return home / ".aws" / "sso" / "cache"


def builtin_dotfiles() -> Path:
    return _shipped("dotfiles")


def dbt_profiles_file(home: Path, env: dict[str, str]) -> Path:
    """dbt's profiles.yml: in $DBT_PROFILES_DIR when set, else ~/.dbt/."""
    configured = env.get("DBT_PROFILES_DIR")
    return (Path(configured).expanduser() if configured else home / ".dbt") / "profiles.yml"


def pg_service_file(home: Path, env: dict[str, str]) -> Path:
    """libpq's per-user service file: $PGSERVICEFILE when set, else ~/.pg_service.conf."""
    configured = env.get("PGSERVICEFILE")
    return Path(configured).expanduser() if configured else home / ".pg_service.conf"


def snowflake_connections_file(home: Path, env: dict[str, str]) -> Path:
    """connections.toml, read by Snowflake's Python connector and CLI: in $SNOWFLAKE_HOME, else ~/.snowflake/."""
    configured = env.get("SNOWFLAKE_HOME")
    return (Path(configured).expanduser() if configured else home / ".snowflake") / "connections.toml"


def databricks_config_file(home: Path, env: dict[str, str]) -> Path:
    configured = env.get("DATABRICKS_CONFIG_FILE")
    return Path(configured).expanduser() if configured else home / ".databrickscfg"
