"""~/.local/bin (where `bootstrap` is linked) on PATH for the login shell: `bootstrap ensure-path`.

install.sh calls this before the first run. It writes the PATH part of the shell component's
set-up (the same generated `env.sh` and the same managed line), so that the first run extends
it instead of adding a second block that does the same thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from bootstrap.context import Context
from bootstrap.steps import Step

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


def steps(ctx: Context) -> list[Step]:
    from bootstrap.components import shell

    if on_login_path(ctx, ctx.paths.user_bin):
        return []
    return shell.path_steps(ctx)
