"""Completion scripts, written once at run time so that no shell ever starts Python on TAB.

`bootstrap`'s own completion comes from its command tree (every command, option and choice,
and the profile names known at that moment), rendered as plain bash, zsh and fish code. Other
commands are completed by what their makers ship: a script found on disk (loaded on the first
TAB), a `complete -C` program, or a `TOOL completion SHELL` generator run at set-up time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePath
from typing import Any

SAFE_WORD = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]
    help: str = ""
    takes_value: bool = False
    choices: tuple[str, ...] = ()
    files: bool = False


@dataclass(frozen=True)
class Node:
    """One command of the tree: its words so far ("" is the root), sub-commands and options."""

    path: str
    commands: tuple[tuple[str, str], ...] = ()  # (name, one-line help)
    options: tuple[Option, ...] = ()
    files: bool = False  # takes file names as arguments


# --- the command tree -----------------------------------------------------------------------


def command_tree(root: Any, values: dict[str, Sequence[str]]) -> list[Node]:
    """Walk the CLI's click commands from `root` (the CLI passes it down: nothing here imports
    the CLI). `values` gives the candidates of an option by its long name."""
    nodes: list[Node] = []

    def option(param: Any) -> Option:
        long = next((n for n in param.opts if n.startswith("--")), param.opts[0])
        choices = _choices(param) or tuple(v for v in values.get(long, ()) if SAFE_WORD.match(v))
        return Option(
            names=tuple(param.opts) + tuple(param.secondary_opts),
            help=_one_line(param.help or ""),
            takes_value=not getattr(param, "is_flag", False) and not getattr(param, "count", False),
            choices=choices,
            files=_is_path(param),
        )

    def visit(command: Any, path: str) -> None:
        params = [p for p in command.params if not getattr(p, "hidden", False)]
        options = [option(p) for p in params if p.param_type_name == "option"]
        options.append(Option(("--help", "-h"), "Show the help and exit."))
        subs: list[tuple[str, Any]] = []
        if hasattr(command, "commands"):
            subs = [(n, c) for n, c in sorted(command.commands.items()) if not c.hidden]
        files = any(p.param_type_name == "argument" and _is_path(p) for p in params)
        nodes.append(
            Node(path, tuple((n, _one_line(c.get_short_help_str(80))) for n, c in subs), tuple(options), files)
        )
        for name, sub in subs:
            visit(sub, f"{path} {name}".strip())

    visit(root, "")
    return nodes


def _annotation(param: Any) -> Any:
    return getattr(getattr(param, "type_descriptor", None), "annotation", None)


def _is_path(param: Any) -> bool:
    # duck-typed: typer brings click itself or a copy of it, whose parameters differ
    annotation = _annotation(param)
    for kind in (annotation, *getattr(annotation, "__args__", ())):  # Path, list[Path], Optional[Path]
        if isinstance(kind, type) and issubclass(kind, PurePath):
            return True
    return getattr(getattr(param, "type", None), "name", "") in ("path", "filename", "file")


def _choices(param: Any) -> tuple[str, ...]:
    annotation = _annotation(param)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(str(member.value) for member in annotation)
    return tuple(str(c) for c in getattr(getattr(param, "type", None), "choices", ()) or ())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _value_options(node: Node) -> list[Option]:
    return [o for o in node.options if o.takes_value]


# --- bash (3.2 and later) -------------------------------------------------------------------


def sq(text: str) -> str:
    """POSIX single quotes: the text, literally."""
    return "'" + text.replace("'", "'\\''") + "'"


def bash_script(nodes: list[Node]) -> str:
    steps = []
    for node in nodes:
        for name, _ in node.commands:
            steps.append(f"            {sq(node.path + ' ' + name)}) path={sq((node.path + ' ' + name).strip())} ;;")
    values = []
    for node in nodes:
        for opt in _value_options(node):
            pattern = "|".join(sq(f"{node.path}|{n}") for n in opt.names)
            if opt.choices:
                action = f'COMPREPLY=($(compgen -W {sq(" ".join(opt.choices))} -- "$cur")); return 0'
            elif opt.files:
                action = 'COMPREPLY=($(compgen -f -- "$cur")); return 0'
            else:
                action = "return 0"
            values.append(f"        {pattern}) {action} ;;")
    words = []
    for node in nodes:
        names = [n for n, _ in node.commands] + [n for o in node.options for n in o.names]
        file_part = ' COMPREPLY+=($(compgen -f -- "$cur"))' if node.files else ""
        words.append(
            f'        {sq(node.path)}) COMPREPLY=($(compgen -W {sq(" ".join(names))} -- "$cur"));{file_part} ;;'
        )
    return "\n".join(
        [
            "# bash completion for bootstrap, generated from its commands by `bootstrap run`.",
            "_bootstrap() {",
            '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" path="" i=1',
            '    [ "$COMP_CWORD" -gt 0 ] && prev="${COMP_WORDS[COMP_CWORD-1]}"',
            '    while [ "$i" -lt "$COMP_CWORD" ]; do',
            '        case "$path ${COMP_WORDS[i]}" in',
            *steps,
            "        esac",
            "        i=$((i + 1))",
            "    done",
            "    COMPREPLY=()",
            '    case "$path|$prev" in',
            *values,
            "    esac",
            '    case "$path" in',
            *words,
            "    esac",
            "    return 0",
            "}",
            "complete -o default -F _bootstrap bootstrap",
            "",
        ]
    )


# --- zsh ------------------------------------------------------------------------------------


def zsh_script(nodes: list[Node]) -> str:
    """An autoloadable `_bootstrap` (the file's name), self-contained: no bashcompinit."""
    steps = []
    for node in nodes:
        for name, _ in node.commands:
            full = f"{node.path} {name}".strip()
            steps.append(f"      {sq(node.path + ' ' + name)}) cmd={sq(full)} ;;")
    values = []
    for node in nodes:
        for opt in _value_options(node):
            pattern = "|".join(sq(f"{node.path}|{n}") for n in opt.names)
            if opt.choices:
                action = f"compadd -- {' '.join(sq(c) for c in opt.choices)}; return 0"
            elif opt.files:
                action = "_files; return 0"
            else:
                action = "return 0"
            values.append(f"    {pattern}) {action} ;;")
    words = []
    for node in nodes:
        described = [f"{n}:{h}" for n, h in node.commands]
        opts = [n for o in node.options for n in o.names]
        parts = []
        if described:
            parts.append(f"local -a subs; subs=({' '.join(sq(d) for d in described)}); _describe command subs")
        parts.append(f"compadd -- {' '.join(sq(o) for o in opts)}")
        if node.files:
            parts.append("_files")
        words.append(f"    {sq(node.path)}) {'; '.join(parts)} ;;")
    return "\n".join(
        [
            "#compdef bootstrap",
            "# zsh completion for bootstrap, generated from its commands by `bootstrap run`.",
            'local cmd="" i',
            "for (( i = 2; i < CURRENT; i++ )); do",
            '  case "$cmd $words[i]" in',
            *steps,
            "  esac",
            "done",
            'case "$cmd|$words[CURRENT-1]" in',
            *values,
            "esac",
            'case "$cmd" in',
            *words,
            "esac",
            "",
        ]
    )


# --- fish -----------------------------------------------------------------------------------


def fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_script(nodes: list[Node]) -> str:
    by_path = {n.path: n for n in nodes}
    lines = [
        "# fish completion for bootstrap, generated from its commands by `bootstrap run`.",
        "function __bootstrap_at",
        "    # true when the words typed so far are exactly the command path given",
        "    set -l typed (commandline -opc)[2..-1]",
        "    set -l path",
        "    for word in $typed",
        "        if contains -- (string join -- ' ' $path $word) $argv[2..-1]",
        "            set -a path $word",
        "        end",
        "    end",
        "    set -l joined (string join -- ' ' $path)",
        '    test "$joined" = "$argv[1]"',
        "end",
    ]
    all_paths = [n.path for n in nodes if n.path]
    known = " ".join(fish_quote(p) for p in all_paths)
    for node in nodes:
        cond = f"__bootstrap_at {fish_quote(node.path)} {known}".rstrip()
        for name, help_text in node.commands:
            lines.append(
                f"complete -c bootstrap -f -n {fish_quote(cond)} -a {fish_quote(name)} -d {fish_quote(help_text)}"
            )
        for opt in node.options:
            flags = []
            for n in opt.names:
                if n.startswith("--"):
                    flags.append(f"-l {fish_quote(n[2:])}")
                elif len(n) == 2:
                    flags.append(f"-s {fish_quote(n[1:])}")
            if not flags:
                continue
            extra = ""
            if opt.takes_value:
                extra = " -r"
                if opt.choices:
                    extra += f" -f -a {fish_quote(' '.join(opt.choices))}"
                elif opt.files:
                    extra += " -F"
            lines.append(
                f"complete -c bootstrap -n {fish_quote(cond)} {' '.join(flags)}{extra} -d {fish_quote(opt.help or '')}"
            )
        if node.files and node.path in by_path:
            lines.append(f"complete -c bootstrap -n {fish_quote(cond)} -F")
    lines.append("")
    return "\n".join(lines)


# --- other commands -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    """How one command gets its completion in each shell."""

    name: str
    bash_files: tuple[str, ...] = ()  # scripts their packages install; the first readable one is loaded on TAB
    bash_options: tuple[str, ...] = ("-o", "default")
    completer: str = ""  # a program speaking bash's `complete -C` protocol
    completer_paths: tuple[str, ...] = ()  # where packages put it off PATH (Debian: /usr/libexec)
    generate: dict[str, tuple[str, ...]] = field(default_factory=dict)  # shell -> argv printing a script


def system_bash_files(name: str, brew_prefixes: Sequence[str]) -> tuple[str, ...]:
    found = [f"/usr/share/bash-completion/completions/{name}", f"/etc/bash_completion.d/{name}"]
    for prefix in brew_prefixes:
        found += [f"{prefix}/share/bash-completion/completions/{name}", f"{prefix}/etc/bash_completion.d/{name}"]
    return tuple(found)


def _generated(*argv: str) -> dict[str, tuple[str, ...]]:
    return {shell: tuple(a.replace("{shell}", shell) for a in argv) for shell in ("bash", "zsh", "fish")}


# Tools that print their own completion script (cobra, clap, click and friends).
GENERATORS: dict[str, dict[str, tuple[str, ...]]] = {
    "kubectl": _generated("kubectl", "completion", "{shell}"),
    "helm": _generated("helm", "completion", "{shell}"),
    "gh": _generated("gh", "completion", "-s", "{shell}"),
    "uv": _generated("uv", "generate-shell-completion", "{shell}"),
    "uvx": _generated("uvx", "--generate-shell-completion", "{shell}"),
    "docker": _generated("docker", "completion", "{shell}"),
    "k9s": _generated("k9s", "completion", "{shell}"),
    "just": _generated("just", "--completions", "{shell}"),
    "rclone": _generated("rclone", "completion", "{shell}", "-"),
    "dagger": _generated("dagger", "completion", "{shell}"),
}
# Programs that answer bash's `complete -C` protocol themselves (HashiCorp tools and others).
SELF_COMPLETERS = {"terraform", "tofu", "vault", "consul", "nomad", "packer", "terragrunt", "boundary", "waypoint"}


def tool(name: str, brew_prefixes: Sequence[str]) -> Tool:
    if name == "git":
        extra = [
            "/Library/Developer/CommandLineTools/usr/share/git-core/git-completion.bash",
            "/Applications/Xcode.app/Contents/Developer/usr/share/git-core/git-completion.bash",
            "/usr/share/git-core/contrib/completion/git-completion.bash",
        ]
        extra += [f"{p}/etc/bash_completion.d/git-completion.bash" for p in brew_prefixes]
        return Tool(
            "git",
            bash_files=(*system_bash_files("git", brew_prefixes), *extra),
            bash_options=("-o", "bashdefault", "-o", "default", "-o", "nospace"),
        )
    if name == "aws":
        return Tool("aws", completer="aws_completer", completer_paths=("/usr/libexec/aws_completer",))
    if name in SELF_COMPLETERS:
        return Tool(name, completer=name)
    return Tool(name, bash_files=system_bash_files(name, brew_prefixes), generate=GENERATORS.get(name, {}))
