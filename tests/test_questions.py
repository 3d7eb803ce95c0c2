"""The first run's questions and its short plan, below the terminal: `when:` on questions,
hints instead of patterns, roles without layers, the marks and counts above the question."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from rich.console import Console

from bootstrap.engine import converge as engine
from bootstrap.engine import render
from bootstrap.profiles import answers, conditions
from bootstrap.profiles import load as profiles
from bootstrap.profiles.load import ProfileInfo
from bootstrap.profiles.schema import Prompt
from bootstrap.system.paths import user_paths
from bootstrap.system.steps import FileChange, Step
from tests.conftest import bootstrap
from tests.support.packages import DEBIAN, context

AWS_FOLLOW_UPS = {"aws_sso_region", "aws_account_id", "aws_read_only_role"}


class Recorder:
    """A prompter that answers from a dict and remembers what it was asked."""

    def __init__(self, replies: dict[str, Any]) -> None:
        self.replies = replies
        self.asked: list[str] = []

    def ask(self, prompt: Prompt, default: Any) -> Any:
        self.asked.append(prompt.id)
        return self.replies.get(prompt.id, default)

    def choose_profile(self, options: list[ProfileInfo], default: Optional[str]) -> str:
        raise AssertionError("not asked here")

    def confirm(self, message: str, default: bool) -> bool:
        raise AssertionError("not asked here")


def analyst() -> profiles.Loaded:
    return profiles.load("analyst", user_paths(Path(os.environ["HOME"])))


def gather(replies: dict[str, Any], given: Optional[dict[str, Any]] = None) -> tuple[dict[str, Any], list[str]]:
    loaded = analyst()
    prompter = Recorder(replies)
    needed = {p.id for p in loaded.model.prompts}
    values = answers.gather(loaded, needed, answers.Answers(given or {}), answers.Answers(), prompter)
    return values, prompter.asked


def test_an_empty_start_url_asks_no_other_aws_question() -> None:
    values, asked = gather({"name": "Ada", "email": "ada@example.com", "aws_start_url": ""})
    assert not AWS_FOLLOW_UPS & set(asked), asked
    assert values["aws_account_id"] == "" and values["aws_sso_region"] == "us-east-1"  # their defaults


def test_a_start_url_asks_the_other_aws_questions() -> None:
    reply = {"name": "Ada", "email": "ada@example.com", "aws_start_url": "https://acme.awsapps.com/start"}
    _, asked = gather(reply)
    assert set(asked) >= AWS_FOLLOW_UPS
    assert asked.index("aws_start_url") < asked.index("aws_sso_region")


def test_a_question_left_out_ignores_what_a_file_says_for_it() -> None:
    given = {"name": "Ada", "email": "ada@example.com", "aws_account_id": "111122223333"}
    values, asked = gather({"aws_start_url": ""}, given)
    assert values["aws_account_id"] == ""  # no start URL: no AWS profile, whatever the file says
    assert AWS_FOLLOW_UPS.isdisjoint(asked)


def test_asked_fills_in_earlier_answers_and_falls_back_to_defaults() -> None:
    prompts = [
        Prompt(id="url", message="m", default=""),
        Prompt(id="r", message="m", type="confirm", default=True),
        Prompt(id="region", message="m", default="us-east-1", when="{{ answers.url }}"),
    ]
    assert conditions.asked(None, {}, prompts)
    assert not conditions.asked("{{ answers.url }}", {"url": ""}, prompts)
    assert conditions.asked("{{ answers.url }}", {"url": "https://x.example"}, prompts)
    assert not conditions.asked("{{ answers.r }}", {"r": False}, prompts)
    assert conditions.asked("{{ answers.r }}", {}, prompts)  # not answered yet: its default decides
    assert not conditions.asked("{{ answers.url }}", {}, prompts)


def test_a_pattern_failure_says_the_hint_never_the_expression() -> None:
    email = next(p for p in analyst().model.prompts if p.id == "email")
    assert email.hint and "dana@acme.com" in email.hint
    said = answers.problem(email, "not-an-email")
    assert said == f"does not look right ('not-an-email'): {email.hint}"
    on_terminal = answers.problem(email, "not-an-email", echo=False)
    assert on_terminal == "It should be a work email such as dana@acme.com"
    assert email.pattern and email.pattern not in said + on_terminal
    bare = Prompt(id="code", message="m", pattern=r"[A-Z]{3}\d+")
    assert answers.problem(bare, "x") == "does not look right ('x'): check it and type it again"
    for prompt in (
        p
        for role in ("analyst", "data-engineer")
        for p in profiles.load(role, user_paths(Path(os.environ["HOME"]))).model.prompts
    ):
        if prompt.pattern:
            assert prompt.hint and len(prompt.hint) < 75, prompt.id  # one row under the question


def test_the_role_menu_offers_roles_not_layers(home: Path) -> None:
    paths = user_paths(home)
    team = paths.teams / "acme"
    team.mkdir(parents=True)
    (team / "common.yaml").write_text("schema: 1\nlayer: true\nextends: [base]\n")
    (team / "analyst.yaml").write_text("schema: 1\nextends: [common]\ndescription: Acme's analysts\n")
    names = [p.name for p in profiles.roles(paths)]
    assert names == ["analyst", "data-engineer", "data-scientist", "acme/analyst"]
    assert profiles.load("acme/analyst", paths).model.layer is False  # never inherited
    listed = bootstrap("profile", "list")
    assert listed.returncode == 0 and "base" in listed.stdout  # still a profile, named with --profile


def test_a_team_profile_chain_shows_the_team(home: Path) -> None:
    paths = user_paths(home)
    team = paths.teams / "acme"
    team.mkdir(parents=True)
    (team / "analyst.yaml").write_text("schema: 1\nextends: [analyst]\n")
    ctx = context(home, DEBIAN, os.environ["PATH"])
    loaded = profiles.load("acme/analyst", paths)
    assert render.chain_text(ctx, loaded.chain) == "base → analyst → acme/analyst"


def _plans(home: Path) -> list[engine.ComponentPlan]:
    completion = FileChange(home / ".config/bootstrap/completions/bootstrap.bash", None, b"x\n" * 124)
    rc = FileChange(home / ".bashrc", b"a\nb\n", b"a\nb\nc\n")
    return [
        engine.ComponentPlan(
            "packages",
            [
                Step("packages", "Ask for your computer password once (sudo)", interactive=True, needs=("password",)),
                Step("packages", "Install 1 package with apt: jq", needs=("password", "network")),
                Step("packages", "Install docker", waits_on="administrator", fix="ask IT"),
            ],
        ),
        engine.ComponentPlan("shell", [Step("shell", "Write your shell set-up", changes=(completion, rc))]),
        engine.ComponentPlan("git", [Step("git", "Create your SSH key", interactive=True)]),
        engine.ComponentPlan("secrets"),
    ]


def test_the_short_plan_summarises_files_and_marks_what_steps_need(home: Path) -> None:
    ctx = context(home, DEBIAN, os.environ["PATH"])
    loaded = analyst()
    prepared = render_prepared(loaded)
    console = Console(record=True, width=80, no_color=True, force_terminal=False, soft_wrap=True)
    pending = render.short_plan(ctx, console, prepared, _plans(home))
    render.before_the_question(console, _plans(home))
    text = console.export_text()
    assert pending == 5
    assert "write ~/.config/bootstrap/completions/bootstrap.bash (124 lines)" in text
    assert "update ~/.bashrc (+1 -0 lines)" in text
    assert "x\nx\n" not in text  # never the content
    assert "• Install 1 package with apt: jq [password, network]" in text
    assert "• Create your SSH key [asks you]" in text
    assert "✓ already as the profile says: secrets" in text
    above = text.split("Before you answer")[1]
    assert "! packages: Ask for your computer password once (sudo) (asks for your computer password)" in above
    assert "! packages: Install 1 package with apt: jq (asks for your computer password; uses the network)" in above
    assert "! packages: Install docker (needs an administrator)" in above
    assert "! git: Create your SSH key (asks you something)" in above
    assert "4 changes to make; 1 left for later." in above


def render_prepared(loaded: profiles.Loaded) -> Any:
    from bootstrap.engine.runs import Prepared

    selection = engine.select(loaded.model, None, None)
    return Prepared("analyst", "chosen now", loaded, {}, loaded.model, selection)


def test_the_published_schema_has_question_conditions_and_layers() -> None:
    import json

    result = bootstrap("profile", "schema")
    schema = json.loads(result.stdout)
    assert "when" in schema["$defs"]["Prompt"]["properties"]
    assert "hint" in schema["$defs"]["Prompt"]["properties"]
    assert schema["properties"]["layer"]["type"] == "boolean"
