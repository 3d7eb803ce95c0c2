"""~/.local/bin (where `bootstrap` is linked) on PATH for the login shell: `bootstrap ensure-path`.

install.sh calls this before the first run. It writes the PATH part of the shell component's
set-up (the same generated `env.sh` and the same managed line), so that the first run extends
it instead of adding a second block that does the same thing.

A program cannot change the PATH of the shell that started it, so new terminals find
`bootstrap` and the one install.sh ran in may not: `typed` is the one place that decides how
to write the command so that it works when typed into this terminal, for every closing line.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Optional

from bootstrap.system.context import Context

# What ensure-path wrote for fish before the shell component existed; the component removes
# exactly this file (and a `bootstrap path` block in a login file) when it takes over.
LEGACY_FISH_TEXT = (
    "# Added by bootstrap: puts ~/.local/bin on PATH. `bootstrap undo` removes this file.\n"
    "contains -- $HOME/.local/bin $PATH; or set -gx PATH $HOME/.local/bin $PATH\n"
)


def login_file(ctx: Context, shell: Optional[str] = None) -> Path:
    """The file a login shell reads at login; never a new ~/.bash_profile (it would hide ~/.profile)."""
    name = shell or Path(ctx.login_shell).name
    if name == "fish":
        config = Path(ctx.env.get("XDG_CONFIG_HOME") or ctx.home / ".config")
        return config / "fish" / "conf.d" / "bootstrap.fish"
    if name == "zsh":
        return Path(ctx.env.get("ZDOTDIR") or ctx.home) / ".zprofile"
    if name == "bash":
        for candidate in (".bash_profile", ".bash_login"):
            if (ctx.home / candidate).exists():
                return ctx.home / candidate
    return ctx.home / ".profile"


def on_login_path(ctx: Context, directory: Path) -> bool:
    """Ask a fresh login shell, the only reliable answer with all its start-up files."""
    shell = Path(ctx.login_shell).name
    script = "string join : $PATH" if shell == "fish" else 'printf %s "$PATH"'
    result = ctx.runner.run([ctx.login_shell, "-l", "-c", script], timeout=15, cwd=ctx.home)
    return result.ok and str(directory) in result.stdout.strip().split(":")


def _ours(ctx: Context) -> list[str]:
    """The programs that are this bootstrap: the ~/.local/bin link, and the script started."""
    found = []
    for candidate in (ctx.paths.user_bin / "bootstrap", Path(sys.argv[0])):
        if candidate.name == "bootstrap" and os.access(candidate, os.X_OK) and candidate.is_file():
            found.append(str(candidate))
    return found


def on_this_path(ctx: Context) -> bool:
    """Whether typing `bootstrap` in the terminal this process was started from runs this bootstrap."""
    ours = _ours(ctx)
    if not ours:  # started as `python -m bootstrap`: nothing better to name than the plain command
        return True
    found = shutil.which("bootstrap", path=ctx.env.get("PATH", ""))
    return found is not None and os.path.realpath(found) in {os.path.realpath(p) for p in ours}


def typed(ctx: Context, *args: str) -> str:
    """`bootstrap ARGS` as it works when typed into this terminal: in full when its PATH lacks it."""
    import shlex

    program = "bootstrap"
    if not on_this_path(ctx):
        full = _ours(ctx)[0]
        program = ctx.tilde(full)
        rest = program.removeprefix("~")
        if shlex.quote(rest) != rest:  # ~ only expands outside quotes; quote the whole path instead
            program = shlex.quote(full)
    return " ".join([program, *args])


def note(ctx: Context, added: bool) -> str:
    """What ensure-path says: true for new terminals and for this one, with what to type here."""
    bindir = ctx.tilde(ctx.paths.user_bin)
    if on_this_path(ctx):
        return f"{bindir} is {'now' if added else 'already'} on your PATH: type `bootstrap` to run it."
    return (
        f"New terminals find `bootstrap` ({bindir} is {'now' if added else 'already'} on your PATH there); "
        f"this terminal started before that, so here type `{typed(ctx)}` "
        "(or start a fresh login shell: exec $SHELL -l)."
    )
