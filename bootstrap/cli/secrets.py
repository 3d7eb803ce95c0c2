"""`bootstrap secrets ...`: check references, run a command with them, find plaintext, store one."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from bootstrap.cli.options import ProfileOpt, context
from bootstrap.system.errors import Failure, UserError

if TYPE_CHECKING:
    from bootstrap.components.secrets.scan import Hit, Scanner
    from bootstrap.profiles.schema import Profile
    from bootstrap.system.context import Context

app = typer.Typer(
    help="Secrets from your password manager: check them, run a command with them, find plaintext ones.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
EnvFileOpt = typer.Option(
    None,
    "--env-file",
    "-e",
    metavar="FILE",
    help="A reference-only env file (NAME=pass://..., or text with {{ op://... }}); may be repeated.",
)


def _profile(ctx: Context, profile: Optional[str]) -> Profile:
    from bootstrap.engine import runs

    return runs.profile_of(ctx, profile)


@app.command("check")
def check(profile: Optional[str] = ProfileOpt, env_file: Optional[list[Path]] = EnvFileOpt) -> None:
    """Resolve every secret the profile names (values are never shown). Exit 1 when one does not resolve."""
    from bootstrap.components.secrets import render
    from bootstrap.components.secrets.backends import environ

    ctx = context()
    entries = environ.wanted(ctx, _profile(ctx, profile), env_file or [])
    if not entries:
        ctx.console.print("This profile names no secrets (components.secrets.env is empty).", markup=False)
        return
    checked = environ.check(ctx, entries)
    render.check_table(ctx, checked)
    if checked.missing:
        raise typer.Exit(1)


@app.command("exec", context_settings={"allow_interspersed_args": False})
def exec_(
    command: list[str] = typer.Argument(..., metavar="-- CMD..", help="The command to run, after --."),
    profile: Optional[str] = ProfileOpt,
    env_file: Optional[list[Path]] = EnvFileOpt,
    allow_missing: bool = typer.Option(
        False, "--allow-missing", help="Run even when a secret does not resolve, with that variable unset."
    ),
) -> None:
    """Run a command with the profile's secrets in its environment only; exits with the command's exit code."""
    from bootstrap.components.secrets import render
    from bootstrap.components.secrets.backends import environ

    ctx = context()
    entries = environ.wanted(ctx, _profile(ctx, profile), env_file or [])
    checked = environ.check(ctx, entries)
    if checked.missing:
        render.missing(ctx, checked, allow_missing)
        if not allow_missing:
            raise typer.Exit(1)
    ctx.runner.replace_with(command, environ.child_environment(ctx.env, checked))


@app.command("scan")
def scan(
    paths: Optional[list[Path]] = typer.Argument(
        None,
        metavar="[PATH..]",
        help="Files or folders (default: your dotfiles, shell history, ~/.aws/credentials, .env files here).",
    ),
    profile: Optional[str] = ProfileOpt,
    staged: bool = typer.Option(
        False, "--staged", help="Scan the lines staged for the next git commit (the pre-commit hook)."
    ),
    include_all: bool = typer.Option(
        False,
        "--all",
        help="Also scan vendored and generated folders (node_modules, .venv, dist, build...), minified files "
        "and files over 2 MB.",
    ),
) -> None:
    """Find plaintext secrets; prints file:line and the kind, never the value. Exit 1 when any is found."""
    from bootstrap.components.secrets import render
    from bootstrap.components.secrets import scan as secretscan

    ctx = context()
    scanner = secretscan.Scanner(include_all)
    if staged:
        hits = _scan_staged(ctx, scanner)
        render.scan_report(ctx, hits, scanner.files, scanner.silenced)
        if hits:
            print("bootstrap: commit blocked: remove the secrets above from the staged files", file=sys.stderr)
            raise typer.Exit(1)
        return
    _profile(ctx, profile)  # a bad --profile is still bad input here
    if paths:
        for path in paths:
            if not path.exists():
                raise UserError(f"{ctx.tilde(path)}: no such file or folder")
        targets = list(paths)
    else:
        cwd = Path.cwd()
        targets = secretscan.default_paths(ctx.home, cwd, _repo_root(ctx, cwd))
    hits = scanner.run(targets)
    render.scan_report(ctx, hits, scanner.files, scanner.silenced)
    if hits:
        raise typer.Exit(1)


def _scan_staged(ctx: Context, scanner: Scanner) -> list[Hit]:
    """The lines the next commit adds, as the commit will hold them (not the working tree's)."""
    root = _repo_root(ctx, Path.cwd())
    if root is None:
        raise UserError("--staged works inside a git repository")
    # -U0: only added lines, in one process however many files are staged; --no-ext-diff and
    # --no-textconv: what git stores, not what a diff driver shows
    diff = ctx.runner.run(
        ["git", "-C", root, "-c", "core.quotePath=false", "diff", "--cached", "--no-color", "--no-ext-diff",
         "--no-textconv", "--no-renames", "-U0", "--diff-filter=ACMR", "--src-prefix=a/", "--dst-prefix=b/"],
        timeout=120,
    )  # fmt: skip
    if not diff.ok:
        raise Failure(f"git could not list the staged changes: {diff.explain()}")
    return scanner.staged(root, diff.stdout)


@app.command("hook")
def hook(
    repo: Path = typer.Argument(Path("."), metavar="[REPO]", help="The git repository (default: the current one)."),
) -> None:
    """Install a git pre-commit hook that blocks commits with plaintext secrets, after proving it works."""
    from bootstrap.components.secrets import hook as hook_mod
    from bootstrap.engine import runs
    from bootstrap.system import files
    from bootstrap.system.steps import Applier

    ctx = context()
    steps = hook_mod.steps(ctx, repo.resolve())
    if not steps:
        ctx.console.print(f"The secrets hook is already installed in {ctx.tilde(repo.resolve())}.", markup=False)
        return
    problem = hook_mod.prove(ctx)
    if problem:
        raise Failure(f"the hook was not installed: in a test repository, {problem}")
    with files.run_lock(ctx.paths.lock, ctx.tilde(ctx.paths.lock)):
        journal = files.Journal(ctx.paths.runs, "run", runs.command_line(sys.argv[1:]))
        for step in steps:
            Applier(ctx, files.Writer(journal)).apply(step)
        journal.finish()
    ctx.console.print(
        f"{steps[0].summary}: a test commit with a planted secret was refused. `bootstrap undo` removes it.",
        markup=False,
    )


def _repo_root(ctx: Context, cwd: Path) -> Optional[Path]:
    result = ctx.runner.run(["git", "-C", cwd, "rev-parse", "--show-toplevel"], timeout=10)
    return Path(result.stdout.strip()) if result.ok and result.stdout.strip() else None


@app.command("set")
def set_(
    name: str = typer.Argument(..., metavar="NAME", help="A variable of the profile's secrets, or a reference."),
    profile: Optional[str] = ProfileOpt,
    replace: bool = typer.Option(False, "--replace", help="Overwrite the entry when it already exists."),
) -> None:
    """Store a secret in your password manager. The value comes from a hidden prompt or stdin, never an argument."""
    from bootstrap.components.secrets.backends import backend, environ

    ctx = context()
    ref = environ.reference_for(ctx, _profile(ctx, profile), name)
    module = backend(ref.scheme)
    status = module.status(ctx)
    if not status.ok:
        raise Failure(f"{status.summary}; fix: {status.fix}")
    if module.exists(ctx, ref) and not replace:
        raise Failure(f"{ref} already holds a secret; it was left as it is (run again with --replace to overwrite it)")
    value = _read_value(name)
    module.store(ctx, ref, value)
    ctx.console.print(f"Saved {ref} ({len(value)} characters).", markup=False)


def _read_value(name: str) -> str:
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"Value for {name} (not shown): ")
        if getpass.getpass("Once more, to be sure: ") != value:
            raise UserError("the two values differ; nothing was saved")
    else:
        value = sys.stdin.read()
        # a trailing newline comes from `echo` or a file, never from the secret itself
        value = value[:-1] if value.endswith("\n") else value
        value = value[:-1] if value.endswith("\r") else value
    if not value:
        raise UserError("the value is empty; nothing was saved")
    if "\n" in value:
        raise UserError("the value has several lines; secrets here are one line (nothing was saved)")
    return value
