"""YAML that remembers where each value came from, so every error can name file:line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml

from bootstrap.system.errors import UserError

Key = Union[str, int]
Loc = tuple[Key, ...]

try:  # the C loader is several times faster; both compose the same node tree
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Located:
    """Parsed YAML plus the line of every key and list item in it."""

    data: Any
    lines: dict[Loc, int]
    source: str  # the file as shown to the user

    def line_of(self, loc: Loc) -> int:
        """The line of loc, or of its nearest ancestor that has one."""
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def where(self, loc: Loc) -> str:
        return f"{self.source}:{self.line_of(loc)}"


def _convert(loader: yaml.SafeLoader, node: yaml.Node, loc: Loc, lines: dict[Loc, int], source: str) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise UserError(f"{source}:{line}: a key must be a plain word, not {type(key).__name__} {key!r}")
            if key in result:
                first = lines[(*loc, key)]
                raise UserError(f"{source}:{line}: '{key}' is given twice (first on line {first}); keep one")
            lines[(*loc, key)] = line
            result[key] = _convert(loader, value_node, (*loc, key), lines, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            items.append(_convert(loader, item, (*loc, index), lines, source))
        return items
    return loader.construct_object(node, deep=True)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, source: str) -> str:
    """One line for a YAML syntax error, at the line where the mistake most likely is."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = (exc.problem or exc.context or "not valid YAML").strip()
    context = exc.context or ""
    rows = text.splitlines()
    row = rows[mark.line] if mark and mark.line < len(rows) else ""
    indent = row[: len(row) - len(row.lstrip())]
    opened = exc.context_mark
    if opened and context.startswith("while scanning a quoted scalar") and "end of stream" in problem:
        # the parser only notices at the end of the file; the mistake is where the quote opened
        return f"{source}:{opened.line + 1}: this is not valid YAML: a quote opened on this line is never closed; add the closing quote"
    if opened and context.startswith("while parsing a flow") and mark and mark.line > opened.line:
        bracket = "'['" if "sequence" in context else "'{'"
        return (
            f"{source}:{opened.line + 1}: this is not valid YAML: the {bracket} on this line is not closed "
            f"(or a ',' is missing) before line {line}; check the brackets"
        )
    if mark and "\t" in indent and mark.column <= len(indent):
        return f"{source}:{line}: this is not valid YAML: a tab indents this line; indent with spaces only"
    if context.startswith("expected a single document"):
        return f"{source}:{line}: this is not valid YAML: a second document starts here ('---'); keep one per file"
    return f"{source}:{line}: this is not valid YAML ({problem}); check the indentation and quotes"


def parse(text: str, source: str) -> Located:
    """Parse YAML text; syntax errors become one line naming source:line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Loc, int] = {}
        data = None if node is None else _convert(loader, node, (), lines, source)
    except yaml.MarkedYAMLError as exc:
        raise UserError(_syntax_error(exc, text, source)) from None
    except yaml.YAMLError as exc:
        raise UserError(f"{source}:1: this is not valid YAML ({exc})") from None
    finally:
        loader.dispose()
    return Located(data, lines, source)


def load(path: Path, shown_as: str) -> Located:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{shown_as}: no such file; check the path") from None
    except IsADirectoryError:
        raise UserError(f"{shown_as}: this is a folder, not a YAML file") from None
    except OSError as exc:
        raise UserError(f"{shown_as}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(f"{shown_as}:{line}: this file is not UTF-8 text; save it as UTF-8") from None
    return parse(text, shown_as)
