"""The built-in roles: they validate, render every template, and plan on a fake Debian and macOS."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bootstrap.components.dotfiles import component as dotfiles
from bootstrap.components.packages import component as packages
from bootstrap.engine import converge as engine
from bootstrap.profiles import load as profiles
from bootstrap.profiles.schema import Package
from bootstrap.system import syspkg
from bootstrap.system.paths import builtin_dotfiles, builtin_profiles, user_paths
from bootstrap.system.steps import Step
from tests.conftest import bootstrap, need
from tests.support.packages import DEBIAN, MACOS, context, homebrew

ROLES = ["base", "analyst", "data-scientist", "data-engineer"]
ANSWERS = "name: Ada Lovelace\nemail: ada@example.com\n"
# the optional AWS sign-in questions, answered, so that the AWS sections show too
AWS_SIGN_IN = {"aws_start_url": "https://acme.awsapps.com/start", "aws_account_id": "111122223333"}
TEMPLATES = sorted(p.name for p in builtin_dotfiles().iterdir() if p.name != "README.md")


def loaded(role: str) -> profiles.Loaded:
    return profiles.load(role, user_paths(Path(os.environ["HOME"])))


def every_yes(role: str) -> dict[str, object]:
    """Answers that switch every option on, so every optional package and file shows."""
    values: dict[str, object] = {"name": "Ada Lovelace", "email": "ada@example.com"}
    for prompt in loaded(role).model.prompts:
        if prompt.type == "confirm":
            values[prompt.id] = True
        elif prompt.id in AWS_SIGN_IN:
            values[prompt.id] = AWS_SIGN_IN[prompt.id]
    return values


def test_every_role_validates_and_needs_only_name_and_email() -> None:
    files = [str(builtin_profiles() / f"{role}.yaml") for role in ROLES]
    result = bootstrap("profile", "validate", *files)
    assert result.returncode == 0, result.stderr
    for role in ROLES:
        model = loaded(role).model
        assert model.description and len(model.description) > 60, role  # a first-day explanation
        for prompt in model.prompts:
            assert prompt.message.strip(), (role, prompt.id)
            if prompt.id not in ("name", "email"):
                assert prompt.default is not None, f"{role}: '{prompt.id}' needs a default (contract)"
        assert loaded(role).chain[0].endswith("base.yaml")


@pytest.mark.parametrize("role", ROLES)
def test_every_template_renders_with_every_role(home: Path, role: str) -> None:
    ctx = context(home, DEBIAN, os.environ["PATH"])
    ctx.answers = every_yes(role)
    profile = profiles.render(loaded(role), ctx.answers)
    variables = dotfiles.template_vars(ctx, profile)
    for name in TEMPLATES:
        text = dotfiles.render_template(ctx, name, variables)
        assert "{{" not in text and "{%" not in text, name
        if name.endswith(".py"):
            compile(text, name, "exec")
    used = {d.template for d in profile.components.dotfiles or []}
    assert used <= set(TEMPLATES)
    assert {"editorconfig", "pip.conf", "uv.toml"} <= used  # from base


def fresh_path(tmp_path: Path, *programs: str) -> str:
    """A PATH holding only these programs (and python3 for the fakes): none of the role's tools."""
    import shutil
    import sys

    folder = tmp_path / "fresh-bin"
    folder.mkdir()
    os.symlink(sys.executable, folder / "python3")
    for name in programs:
        os.symlink(need(name), folder / name)
    assert shutil.which("aws", path=str(folder)) is None
    return str(folder)


def _everything_installs(profile: object) -> list[Package]:
    spec = profile.components.packages  # type: ignore[attr-defined]
    return [p if isinstance(p, Package) else Package(name=p) for p in spec.system]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_plans_on_a_fake_macos(home: Path, tmp_path: Path, role: str) -> None:
    need("git")
    answers = every_yes(role)
    profile = profiles.render(loaded(role), answers)
    catalogue = {p.brew or p.name: "99.0" for p in _everything_installs(profile)} | {"pipx": "1.7.1"}
    prefix, brew_bin = homebrew(tmp_path, catalogue)
    ctx = context(home, MACOS, f"{brew_bin}:{fresh_path(tmp_path, 'git')}", HOMEBREW_PREFIX=str(prefix))
    ctx.answers = answers
    plans = engine.plan(ctx, profile, engine.select(profile, None, None).active)
    assert [p.error for p in plans] == [None] * len(plans), plans
    steps = {p.name: p.steps for p in plans}
    commands = [c for s in steps["packages"] for c in s.commands]
    brew_calls = [c for c in commands if c[0] == "brew"]
    assert len(brew_calls) == 1 and not any("sudo" in c for c in commands)
    for item in _everything_installs(profile):
        assert (item.brew or item.name) in brew_calls[0], item
    tools = [p.name if isinstance(p, Package) else p for p in profile.components.packages.uv_tools]  # type: ignore[union-attr]
    for tool in tools:
        assert any(tool in " ".join(c) for c in commands), tool
    written = {str(ch.path) for s in steps["dotfiles"] for ch in s.changes}
    assert str(home / ".editorconfig") in written
    _aws_sign_in_planned(role, steps["aws"])


@pytest.mark.parametrize("role", ROLES)
def test_every_role_plans_on_a_fake_debian_as_a_user(home: Path, tmp_path: Path, role: str) -> None:
    need("dpkg-query")
    need("git")
    answers = every_yes(role)
    profile = profiles.render(loaded(role), answers)
    # PATH with the machine's apt and git, but none of the role's tools, as on a fresh laptop
    ctx = context(home, DEBIAN, fresh_path(tmp_path, "git", "dpkg-query", "apt-get"))
    ctx.answers = answers
    steps = packages.plan(ctx, profile, admin=syspkg.Admin("sudo"))  # a sudo that asks no password
    commands = [c for s in steps for c in s.commands]
    installs = [c for c in commands if "install" in c and "apt-get" in c]
    assert len(installs) <= 1
    if installs:
        assert installs[0][:6] == ("sudo", "-n", "apt-get", "install", "-y", "--no-install-recommends")
        assert all(c[:2] == ("sudo", "-n") for c in commands if "apt-get" in c)
    refused = packages.plan(ctx, profile, admin=syspkg.Admin("none", "sudo is not installed on this computer"))
    assert not any("sudo" in c for s in refused for c in s.commands)  # nothing runs that needs it
    plans = engine.plan(ctx, profile, engine.select(profile, None, None).active)
    assert [p.error for p in plans] == [None] * len(plans), plans
    _aws_sign_in_planned(role, {p.name: p.steps for p in plans}["aws"])


def _aws_sign_in_planned(role: str, steps: list[Step]) -> None:
    """Roles that ask for the AWS sign-in write it into ~/.aws/config when it is answered."""
    summaries = [s.summary for s in steps]
    if any(p.id == "aws_start_url" for p in loaded(role).model.prompts):
        assert any("add [sso-session company]" in s and "[default]" in s for s in summaries), summaries
    else:
        assert not any("~/.aws/config" in s for s in summaries), summaries


@pytest.mark.parametrize("role", ROLES)
def test_show_summarises_components_packages_files_and_questions(role: str) -> None:
    shown = bootstrap("profile", "show", role)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert "asks on the first run:" in text and "Your work email address" in text
    assert "  packages:\n" in text and "jq (system package)" in text and "pre-commit >=3.0 (Python tool)" in text
    assert "  dotfiles:\n" in text and "~/.editorconfig (from template editorconfig)" in text
    assert "not set up by this version" not in text.split("  packages:")[1].split("\n  ")[0]
    expected = {
        "analyst": [
            "duckdb-cli",
            "sqlfluff 3.2.5",
            "jupyterlab",
            "quarto-cli",
            "(if you answer yes to 'with_r')",
            "profile company-readonly, as your answer to 'aws_read_only_role', used by `aws` without --profile (if you answer 'aws_account_id')",
            "(default: us-east-1) (if you answer 'aws_start_url')",
        ],
        "data-scientist": [
            "jupyterlab",
            "nbstripout",
            "filter.nbstripout.clean = nbstripout",
            "~/.config/git/attributes",
        ],
        "data-engineer": [
            "runs the version each project pins",
            "Docker engine",
            "kubectl",
            "sqlfluff 3.2.5",
            "sign-in company (your answer to 'aws_start_url') (if you answer 'aws_start_url')",
        ],
        "base": ["awscli >=2.9", "uv >=0.4"],
    }[role]
    for phrase in expected:
        assert phrase in text, phrase


@pytest.mark.parametrize("role", ROLES)
def test_plan_with_only_name_and_email_lists_every_command_and_file(home: Path, tmp_path: Path, role: str) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS)
    plan = bootstrap("plan", "--profile", role, "--answers", str(answers), env={"BOOTSTRAP_SKIP": ""})
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "+++ ~/.editorconfig" in plan.stdout and "+++ ~/.gitconfig" in plan.stdout
    assert str(home) not in plan.stdout
