"""Commands: a profile's own shell commands, run only once the user has trusted them.

A command with `unless` runs whenever that check fails (and must pass afterwards); one without
runs once per exact content: changing its text makes it run again (after trusting it again).
Nothing of an untrusted command is executed, not even its `unless` check, in plan, run or doctor.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from bootstrap.profiles import trust
from bootstrap.profiles.schema import Command, Profile
from bootstrap.system import files
from bootstrap.system.context import Context
from bootstrap.system.findings import Check, Outcome, ok
from bootstrap.system.steps import Applier, Step

NAME = "commands"
REQUIRES: tuple[str, ...] = ()
FIX_RUN = "bootstrap run --only commands"
CHECK_TIMEOUT = 60.0


def _done(ctx: Context) -> dict[str, Any]:
    raw = files.read(ctx.paths.commands_done)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    found = data.get("done") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def _mark_done(ctx: Context, digest: str, command: Command) -> None:
    done = _done(ctx)
    done[digest] = {"name": command.name, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    ctx.paths.commands_done.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"done": done}, indent=2, sort_keys=True) + "\n"
    files.atomic_write(ctx.paths.commands_done, body.encode("utf-8"), 0o600)


def _untrusted_message(verdicts: list[trust.Verdict]) -> str:
    names = ", ".join(f"'{v.command.name}'" for v in verdicts)
    fixes = sorted({v.fix for v in verdicts if v.fix})
    how = (
        " or ".join(f"`{f}`" for f in fixes)
        if fixes
        else "`bootstrap profile trust FILE` with the profile file that holds them"
    )
    count = f"{len(verdicts)} command{'s' if len(verdicts) != 1 else ''}"
    return (
        f"{count} of this profile ({names}) {'is' if len(verdicts) == 1 else 'are'} not trusted, so none was run; "
        f"read them and allow them with {how}, or leave them out with --skip commands"
    )


def _check(ctx: Context, command: Command) -> bool:
    assert command.unless is not None
    return ctx.runner.run(["sh", "-c", command.unless], cwd=ctx.home, timeout=CHECK_TIMEOUT).ok


def _trust_fix(verdict: trust.Verdict) -> str:
    return verdict.fix or "bootstrap profile trust FILE (the profile file that holds it), or --skip commands"


def plan(ctx: Context, profile: Profile) -> list[Step]:
    verdicts = trust.judge(ctx.paths, list(profile.commands))
    done = _done(ctx)
    steps = []
    for verdict in verdicts:
        command = verdict.command
        if not verdict.trusted:
            # nothing of it runs, not even its `unless`: it waits for the person to read and trust it
            steps.append(
                Step(NAME, f"{command.name} (not trusted yet, so not run)", waits_on="trust", fix=_trust_fix(verdict))
            )
            continue
        if command.unless is not None:
            if _check(ctx, command):
                continue
            record = None
        else:
            if verdict.digest in done:
                continue
            record = _recorder(ctx, verdict.digest, command)
        steps.append(
            Step(
                NAME,
                f"{command.name}" + (f" (because `{command.unless}` fails)" if command.unless else " (runs once)"),
                commands=(("sh", "-c", command.run),),
                interactive=ctx.interactive,
                apply=record,
            )
        )
    return steps


def _recorder(ctx: Context, digest: str, command: Command) -> Any:
    def record(applier: Applier) -> None:
        _mark_done(applier.ctx, digest, command)

    return record


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "command"


def checks(ctx: Context, profile: Profile) -> list[Check]:
    def trusted() -> Outcome:
        verdicts = trust.judge(ctx.paths, list(profile.commands))
        untrusted = [v for v in verdicts if not v.trusted]
        if untrusted:
            fixes = sorted({v.fix for v in untrusted if v.fix}) or ["bootstrap profile trust FILE"]
            return Outcome("warning", _untrusted_message(untrusted), " && ".join(fixes))
        return ok(f"all {len(verdicts)} commands of the profile are trusted")

    found = [Check("commands.trust", NAME, trusted)]
    for index, command in enumerate(profile.commands):
        found.append(Check(f"commands.{index + 1}.{_slug(command.name)}", NAME, _one(ctx, command)))
    return found


def _one(ctx: Context, command: Command) -> Any:
    def run() -> Outcome:
        (verdict,) = trust.judge(ctx.paths, [command])
        if not verdict.trusted:
            return Outcome("skipped", f"'{command.name}' is not trusted, so it was not checked")
        if command.unless is not None:
            if _check(ctx, command):
                return ok(f"'{command.name}': its check `{command.unless}` passes")
            return Outcome("warning", f"'{command.name}' is not done: `{command.unless}` fails", FIX_RUN)
        if verdict.digest in _done(ctx):
            return ok(f"'{command.name}' has run")
        return Outcome("warning", f"'{command.name}' has not run yet", FIX_RUN)

    return run
