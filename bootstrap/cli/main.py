"""The root command and run/plan/doctor/undo: parse, build the context, call one function, render.

Heavy modules (pydantic, questionary, rich tables) are imported inside the commands, so that
`bootstrap --help` stays fast.
"""

from __future__ import annotations

import contextlib
import shlex
import signal
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from bootstrap import __version__
from bootstrap.cli import aws, connections, options, profile, secrets, terraform, terragrunt, tofu
from bootstrap.cli.options import AnswersOpt, OnlyOpt, ProfileOpt, SkipOpt, context
from bootstrap.system.errors import Cancelled, Failure, Stopped, UserError

HELP = """\
Set up this computer for data work, and check it stays that way.

First day: `bootstrap` asks a few questions (your role, name and email), shows what it will \
change, and sets up git and the rest of your role's tools. `bootstrap doctor` then checks \
everything and tells you the exact command that fixes each problem. Every change can be taken \
back with `bootstrap undo`.
"""

app = typer.Typer(
    help=HELP,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Command groups, each in a module of its own.
app.add_typer(profile.app, name="profile")
app.add_typer(secrets.app, name="secrets")
app.add_typer(aws.app, name="aws")
app.add_typer(connections.app, name="connections")
app.add_typer(terraform.app, name="terraform")
app.add_typer(terragrunt.app, name="terragrunt")
app.add_typer(tofu.app, name="tofu")
options.APP = app


def _version(value: bool) -> None:
    if value:
        print(f"bootstrap {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    context: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    if context.invoked_subcommand is None:
        run(profile=None, answers=None, yes=False, only=None, skip=None)


@app.command()
def run(
    profile: Optional[str] = ProfileOpt,
    answers: Optional[Path] = AnswersOpt,
    yes: bool = typer.Option(
        False,
        "--yes",
        "-y",
        help="Never ask: use --answers, the last run's answers and defaults, and make the changes without confirming.",
    ),
    only: Optional[str] = OnlyOpt,
    skip: Optional[str] = SkipOpt,
) -> None:
    """Set up this computer as the profile says (the first-day run). Safe to repeat.

    With another --profile than last time, what only the old profile set up is taken away
    (shown first; `bootstrap undo` puts it back).
    """
    from bootstrap.engine import render, runs
    from bootstrap.profiles.prompts import TerminalPrompter

    ctx = context()
    warning = runs.root_warning(ctx)
    if warning:
        ctx.err_console.print(warning, style="yellow", markup=False)
    ask = ctx.interactive and not yes
    prompter = TerminalPrompter() if ask else None
    ctx.prompter = prompter
    prepared = runs.prepare(
        ctx,
        profile=profile,
        answers_file=answers,
        only=only,
        skip=skip,
        prompter=prompter,
        offer_trust=(lambda loaded: _offer_trust(ctx, loaded)) if prompter is not None else None,
    )
    console = ctx.console

    def confirm(plans: list[Any]) -> bool:
        if prompter is None:
            console.print(render.profile_line(ctx, prepared), markup=False)
            return True
        render.short_plan(ctx, console, prepared, plans)
        while True:
            render.before_the_question(console, plans)
            answer = prompter.review("Make these changes? [Y/n/d = show the diffs]", default=True)
            if answer != "diffs":
                return answer == "yes"
            render.plan(ctx, console, prepared, plans)

    result = runs.run(ctx, prepared, sys.argv[1:], confirm, render.RunProgress(console))
    render.run_summary(ctx, console, result)
    if result.outcome is not None and result.outcome.exit_code:
        raise typer.Exit(result.outcome.exit_code)


def _offer_trust(ctx: Any, loaded: Any) -> None:
    """On a terminal, before the run: what the profile's team asks to run, and whether to trust it
    now (no by default; the rest applies either way)."""
    from bootstrap.engine import render_teams
    from bootstrap.profiles import sources, trust
    from bootstrap.profiles.prompts import TerminalPrompter

    for source in trust.waiting_sources(ctx.paths, loaded):
        review = trust.review(ctx.paths, source)
        ctx.console.print(
            f"{source.key} asks to run these on your computer, as you ({review.pending} new or changed):", markup=False
        )
        render_teams.commands(ctx.console, source, review)
        if TerminalPrompter().confirm(f"Trust these of {source.key} now?", default=False):
            pinned = sources.read_all(ctx.paths).get(source.key)
            trust.record(ctx.paths, source, pinned.pin if pinned else None)
        else:
            ctx.console.print(f"Not trusted: they wait, and the rest is set up. Later: {source.fix}", markup=False)


@app.command()
def plan(
    profile: Optional[str] = ProfileOpt,
    answers: Optional[Path] = AnswersOpt,
    only: Optional[str] = OnlyOpt,
    skip: Optional[str] = SkipOpt,
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 0 when nothing is pending, 2 when changes are pending, 1 on any error."
    ),
) -> None:
    """Show what `run` would change (file diffs and commands). Changes nothing."""
    from bootstrap.engine import converge as engine
    from bootstrap.engine import render, runs

    try:
        ctx = context()
        prepared = runs.prepare(ctx, profile=profile, answers_file=answers, only=only, skip=skip, mode="plan")
        plans = engine.plan(ctx, prepared.profile, prepared.names, prepared.previous)
    except UserError as exc:
        if detailed_exitcode:  # terraform's convention: 2 means "changes pending", so errors are 1
            _fail(str(exc), 1)
        raise
    pending = render.plan(ctx, ctx.console, prepared, plans)
    if any(p.error for p in plans):
        raise typer.Exit(1)
    if detailed_exitcode and pending:
        raise typer.Exit(2)


@app.command()
def doctor(
    profile: Optional[str] = ProfileOpt,
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object (schema 1) for programs."),
    report: bool = typer.Option(
        False, "--report", help="Print a Markdown summary without personal details, to paste into the team chat."
    ),
    show_all: bool = typer.Option(False, "--all", help="Also list every check that is fine, under its component."),
    offline: bool = typer.Option(False, "--offline", help="Skip the checks that need the network."),
    only: Optional[str] = OnlyOpt,
    skip: Optional[str] = SkipOpt,
) -> None:
    """Check everything: the problems first, each with the command that fixes it.

    Each problem says what is wrong and the exact fix; then one line per component, and the
    next step. On a computer bootstrap has not set up yet, it first says to run `bootstrap`.
    Long text wraps to the terminal, never cut. Exit code 1 when something is broken.
    """
    from bootstrap.engine import doctor as doctor_mod
    from bootstrap.engine import render_doctor, runs

    ctx = context()
    ctx.offline = offline
    prepared = runs.prepare(ctx, profile=profile, answers_file=None, only=only, skip=skip, mode="doctor")
    result = doctor_mod.diagnose(
        ctx, prepared.name, prepared.profile, prepared.selection.active, prepared.selection.unsupported
    )
    if json_output:
        print(render_doctor.doctor_json(ctx, result))
    elif report:
        print(render_doctor.doctor_markdown(ctx, result, prepared.answers), end="")
    else:
        from bootstrap.components.shell.path import typed

        program = typed(ctx)
        first_run = f"{program} run --profile {shlex.quote(profile)}" if profile else program
        setup = render_doctor.Setup(done=runs.set_up(ctx), first_run=first_run, program=program)
        render_doctor.doctor_screen(ctx, ctx.console, result, setup, show_all)
    if result.status == "error":
        raise typer.Exit(1)


@app.command()
def undo(
    run_id: Optional[str] = typer.Argument(
        None, metavar="[RUN_ID]", help="The run to undo (default: the last one). See --list."
    ),
    list_runs: bool = typer.Option(False, "--list", help="List the recorded runs and exit."),
    force: bool = typer.Option(False, "--force", help="Also restore files that were changed after that run."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Put back every file a run changed, byte for byte. Never uninstalls software or deletes keys."""
    from bootstrap.engine import render, runs
    from bootstrap.profiles.prompts import TerminalPrompter

    ctx = context()
    if list_runs:
        render.runs_list(ctx, ctx.console, runs.undoable(ctx))
        return
    target = runs.find_run(ctx, run_id)
    if target is None:
        ctx.console.print("Nothing to undo: no run has changed a file (or every run was undone already).")
        return
    ask = ctx.interactive and not yes

    def confirm(items: list[Any]) -> bool:
        render.undo_preview(ctx, ctx.console, target, items, force)
        return not ask or TerminalPrompter().confirm("Undo these changes?", default=True)

    result = runs.undo(ctx, target, sys.argv[1:], force, confirm)
    render.undo_summary(ctx, ctx.console, result)
    if result.skipped:
        raise typer.Exit(1)


@app.command("ensure-path", hidden=True)
def ensure_path(
    command: bool = typer.Option(
        False, "--command", help="Only print how to type bootstrap in this terminal; change nothing."
    ),
) -> None:
    """Put ~/.local/bin on the login shell's PATH (used by install.sh)."""
    from bootstrap.components.shell import path as shellpath
    from bootstrap.engine import render, runs

    ctx = context()
    if command:
        print(shellpath.typed(ctx))
        return
    result = runs.ensure_path(ctx, sys.argv[1:])
    if result is not None:
        render.step_progress(ctx.console, result, "done")
    ctx.console.print(shellpath.note(ctx, added=result is not None), markup=False)


# --- entry point ----------------------------------------------------------------------------


def _fail(message: str, code: int) -> None:
    print(f"bootstrap: {message}", file=sys.stderr)
    raise SystemExit(code)


def main() -> None:
    """Console script: our errors become one plain line and an exit code, never a traceback."""
    _stop_on_signals()
    try:
        app()
    except (UserError, Failure, Cancelled) as exc:
        _fail(str(exc), exc.exit_code)
    except SystemExit as exc:
        if _interrupted(exc):  # typer turns Ctrl-C into a silent exit 130
            _stopped("you pressed Ctrl-C", 128 + signal.SIGINT)
        raise
    except KeyboardInterrupt:
        _stopped("you pressed Ctrl-C", 128 + signal.SIGINT)
    except Stopped as exc:
        _stopped(STOP_REASONS.get(exc.signum, f"signal {exc.signum}"), exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - a bug: say so plainly, keep the details in a file
        _crash(exc)


STOP_REASONS: dict[int, str] = {
    signal.SIGTERM: "bootstrap was asked to end (SIGTERM)",
    signal.SIGHUP: "the terminal was closed",
}


def _interrupted(exc: BaseException) -> bool:
    cause: Optional[BaseException] = exc
    while cause is not None:
        if isinstance(cause, KeyboardInterrupt):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _raise_stopped(signum: int, frame: object) -> None:
    raise Stopped(signum)


def _stop_on_signals() -> None:
    """SIGTERM and a closed terminal unwind like Ctrl-C does, so every temporary folder is removed
    on the way out and the programs bootstrap started end with it (see proc.Live)."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup: the person wants it to go on
            signal.signal(signum, _raise_stopped)


def _stopped(reason: str, code: int) -> None:
    with contextlib.suppress(OSError):  # the terminal may be gone
        print(
            f"Stopped: {reason}. Every file is either as it was or fully changed (see `bootstrap undo --list`).",
            file=sys.stderr,
            flush=True,
        )
    raise SystemExit(code)


def _crash(exc: BaseException) -> None:
    import traceback

    from bootstrap.system.context import from_environment

    ctx = from_environment(interactive=False)
    log = ctx.paths.crash_log
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), encoding="utf-8")
        where = f"details are in {ctx.tilde(log)}"
    except OSError:
        where = "the details could not be saved"
    _fail(
        f"something unexpected went wrong ({type(exc).__name__}: {ctx.tilde(exc)}); {where}. "
        "Please send that file to your platform team or the bootstrap maintainers.",
        1,
    )
