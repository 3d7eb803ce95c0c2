"""Put ~/.local/bin (where `bootstrap` is linked) on PATH for the user's login shell."""

from __future__ import annotations

from pathlib import Path

from bootstrap import files
from bootstrap.context import Context
from bootstrap.steps import FileChange, Step

BLOCK = "path"
POSIX_LINE = 'case ":${PATH}:" in *":$HOME/.local/bin:"*) ;; *) PATH="$HOME/.local/bin:$PATH"; export PATH ;; esac'
FISH_TEXT = (
    "# Added by bootstrap: puts ~/.local/bin on PATH. `bootstrap undo` removes this file.\n"
    "contains -- $HOME/.local/bin $PATH; or set -gx PATH $HOME/.local/bin $PATH\n"
)


def login_file(ctx: Context) -> Path:
    """The file the login shell reads at login; never a new ~/.bash_profile (it would hide ~/.profile)."""
    shell = Path(ctx.login_shell).name
    if shell == "fish":
        config = Path(ctx.env.get("XDG_CONFIG_HOME") or ctx.home / ".config")
        return config / "fish" / "conf.d" / "bootstrap-path.fish"
    if shell == "zsh":
        return Path(ctx.env.get("ZDOTDIR") or ctx.home) / ".zprofile"
    if shell == "bash":
        for name in (".bash_profile", ".bash_login"):
            if (ctx.home / name).exists():
                return ctx.home / name
    return ctx.home / ".profile"


def on_login_path(ctx: Context, directory: Path) -> bool:
    """Ask a fresh login shell, the only reliable answer with all its start-up files."""
    shell = Path(ctx.login_shell).name
    script = "string join : $PATH" if shell == "fish" else 'printf %s "$PATH"'
    result = ctx.runner.run([ctx.login_shell, "-l", "-c", script], timeout=15, cwd=ctx.home)
    return result.ok and str(directory) in result.stdout.strip().split(":")


def steps(ctx: Context) -> list[Step]:
    directory = ctx.paths.user_bin
    if on_login_path(ctx, directory):
        return []
    target = login_file(ctx)
    before = files.read(files.real_target(target))
    if target.suffix == ".fish":
        after = files.encode(FISH_TEXT)
    else:
        after = files.encode(files.with_block(files.decode(before or b""), BLOCK, [POSIX_LINE], newline="\n"))
    if after == before:
        return []
    return [
        Step(
            "shell",
            f"Put {ctx.tilde(directory)} on your PATH in {ctx.tilde(target)}",
            changes=(FileChange(target, before, after),),
        )
    ]
