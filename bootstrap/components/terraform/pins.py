"""Which Terraform version a directory wants, and which file and line said so.

In order: `.terraform-version` searched upward to the repository root; the root module's
`required_version` (every `*.tf` and `*.tf.json`, every `terraform` block, ANDed); a Terragrunt
`terraform_version_constraint` (`terragrunt.hcl`, else `root.hcl`); the user's own default
(`~/.terraform-version`, written by `bootstrap terraform use --global`); the profile's
`terraform.version`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bootstrap.components.terraform.constraints import ConstraintError, Constraints, Version, parse, try_version
from bootstrap.components.terraform.tools import TERRAFORM, Tool
from bootstrap.system.errors import UserError

VERSION_FILE = TERRAFORM.version_file
KEYWORDS = ("latest", "min-required", "latest-allowed")
# Terragrunt's unit file, then its recommended root file (which units include), as
# terraform-switcher and tenv read them.
TERRAGRUNT_FILES = ("terragrunt.hcl", "root.hcl")


@dataclass(frozen=True)
class Pin:
    """What was asked for, and where: `spec` is a version, a constraint or a tfenv keyword."""

    spec: str
    source: str  # ".terraform-version", "required_version", "terragrunt", "your default", "profile"
    file: Optional[Path] = None
    line: Optional[int] = None
    module: Optional[Path] = None  # the root module, for min-required / latest-allowed

    def where(self, tilde: object = str) -> str:
        if self.file is None:
            return self.source
        shown = tilde(self.file) if callable(tilde) else str(self.file)
        return f"{shown}:{self.line}" if self.line else shown

    @property
    def exact(self) -> Optional[Version]:
        """The version when the pin names exactly one (the shim's fast path)."""
        return try_version(self.spec.strip().lstrip("="))


class NoMatch(UserError):
    """Nothing satisfies the pins: exit 2, naming the file and line."""


def _repo_root(start: Path) -> Optional[Path]:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def first_line(path: Path) -> tuple[str, int]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read {path} ({exc.strerror})") from None
    for number, line in enumerate(text.splitlines(), 1):
        content = line.split("#", 1)[0].strip()
        if content:
            return content, number
    raise UserError(f"{path} is empty: put a version in it (like 1.5.7), or delete it")


def version_file(directory: Path, home: Path, name: str = VERSION_FILE) -> Optional[Path]:
    """The nearest `.terraform-version` (or other file name) from directory up to its repository root (or /)."""
    stop = _repo_root(directory)
    for folder in (directory, *directory.parents):
        candidate = folder / name
        if candidate.is_file() and folder != home:
            return candidate
        if folder == stop:
            break
    return None


def _literal(value: object, path: Path, key: str) -> str:
    # python-hcl2 keeps the quotes of a string literal; an expression has none, or interpolates.
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"' and "${" not in value:
        return value[1:-1]
    raise UserError(f'{path}:{_line_of(path, key, 0)}: {key} must be a plain string such as ">= 1.5.0"')


def _line_of(path: Path, key: str, occurrence: int) -> int:
    found = 0
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if re.match(rf'\s*"?{key}"?\s*[=:]', line):
            if found == occurrence:
                return number
            found += 1
    return 1


def _hcl(path: Path) -> dict[str, object]:
    import hcl2

    try:
        with path.open(encoding="utf-8") as handle:
            data: dict[str, object] = hcl2.load(handle)
    except Exception as exc:  # noqa: BLE001 - the parser raises lark's errors; one line is enough
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path}: Terraform cannot read this file ({first}); fix it, then run again") from None
    return data


def required_versions(module: Path, patterns: tuple[str, ...] = TERRAFORM.module_files) -> list[tuple[str, Path, int]]:
    """Every `required_version` in the root module's files (HCL, then JSON), with file and line."""
    found: list[tuple[str, Path, int]] = []
    hcl = [p for pattern in patterns if not pattern.endswith(".json") for p in module.glob(pattern)]
    written = [p for pattern in patterns if pattern.endswith(".json") for p in module.glob(pattern)]
    for path in sorted(hcl):
        blocks = _hcl(path).get("terraform") or []
        seen = 0
        for block in blocks if isinstance(blocks, list) else [blocks]:
            if isinstance(block, dict) and "required_version" in block:
                found.append(
                    (
                        _literal(block["required_version"], path, "required_version"),
                        path,
                        _line_of(path, "required_version", seen),
                    )
                )
                seen += 1
    for path in sorted(written):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"{path}: not valid JSON ({exc}); fix it, then run again") from None
        blocks = data.get("terraform", []) if isinstance(data, dict) else []
        seen = 0
        for block in blocks if isinstance(blocks, list) else [blocks]:
            if isinstance(block, dict) and isinstance(block.get("required_version"), str):
                found.append((block["required_version"], path, _line_of(path, "required_version", seen)))
                seen += 1
    return found


def terragrunt_constraint(module: Path) -> Optional[tuple[str, Path, int]]:
    """The first `terraform_version_constraint` in the folder's Terragrunt files, with file and line."""
    for name in TERRAGRUNT_FILES:
        path = module / name
        if not path.is_file():
            continue
        value = _hcl(path).get("terraform_version_constraint")
        if value is None:
            continue
        return (
            _literal(value, path, "terraform_version_constraint"),
            path,
            _line_of(path, "terraform_version_constraint", 0),
        )
    return None


def module_constraints(module: Path, tool: Tool = TERRAFORM) -> Optional[tuple[Constraints, Pin]]:
    """The root module's pins, ANDed, and the first place they were written."""
    found = required_versions(module, tool.module_files)
    source = "required_version"
    if not found and tool.terragrunt_pins:
        grunt = terragrunt_constraint(module)
        found = [grunt] if grunt else []
        source = "terragrunt"
    if not found:
        return None
    combined: Optional[Constraints] = None
    for text, path, line in found:
        try:
            parsed = parse(text)
        except ConstraintError as exc:
            raise UserError(f"{path}:{line}: {exc}") from None
        combined = parsed if combined is None else combined & parsed
    assert combined is not None
    _, path, line = found[0]
    return combined, Pin(combined.text, source, path, line, module)


def find_pin(directory: Path, home: Path, profile_default: Optional[str], tool: Tool = TERRAFORM) -> Optional[Pin]:
    """The first pin that applies to directory, or None when nothing pins a version anywhere."""
    directory = directory.resolve()
    found = version_file(directory, home, tool.version_file)
    if found is not None:
        spec, line = first_line(found)
        return Pin(spec, tool.version_file, found, line, directory)
    pinned = module_constraints(directory, tool) if tool.module_files else None
    if pinned is not None:
        return pinned[1]
    default = home / tool.version_file
    if default.is_file():
        spec, line = first_line(default)
        return Pin(spec, "your default", default, line, directory)
    if profile_default:
        return Pin(profile_default, "profile", None, None, directory)
    return None


def resolve(pin: Pin, candidates: list[Version], unseen: str = "", tool: Tool = TERRAFORM) -> Version:
    """The version a pin means among candidates (installed ones and the release index).

    `unseen` says why the release index is missing from candidates: then a pin nothing satisfies
    is a network problem, not a pin problem, and the message says so."""
    spec = pin.spec.strip()

    def no_match(head: str, hint: str = f"; see `bootstrap {tool.command} list --remote`") -> NoMatch:
        if unseen:
            return NoMatch(
                f"{head} among the installed versions, and {unseen}; "
                f"check the network or proxy, or set the team's mirror ({tool.setting}.mirror)"
            )
        return NoMatch(head + hint)

    where = pin.where()
    exact = pin.exact
    if exact is not None:
        return exact
    if spec == "latest" or spec.startswith("latest:"):
        # `latest` is the newest release; `latest:<regex>` the newest version the regex finds,
        # pre-releases included, and an empty regex finds every version (tfenv's "latest
        # possibly-unstable version").
        pattern = spec.partition(":")[2]
        try:
            rx = re.compile(pattern)
        except re.error as exc:
            raise UserError(f"{where}: '{pattern}' is not a valid regular expression ({exc})") from None
        if spec == "latest":
            pool = [v for v in candidates if not v.prerelease]
        else:
            pool = [v for v in candidates if rx.search(str(v))]
        if not pool:
            raise no_match(f"{where}: no {tool.product} release matches '{spec}'")
        return max(pool)
    if spec in ("min-required", "latest-allowed"):
        module = pin.module or Path.cwd()
        pinned = module_constraints(module, tool)
        if pinned is None:
            raise UserError(f"{where}: '{spec}' needs a required_version in {module}/*.tf, and there is none")
        constraints, origin = pinned
        chosen = constraints.lowest(candidates) if spec == "min-required" else constraints.best(candidates)
        if chosen is None:
            raise no_match(f"{origin.where()}: no {tool.product} release satisfies '{constraints.text}'", hint="")
        return chosen
    try:
        constraints = parse(spec)
    except ConstraintError as exc:
        raise UserError(
            f"{where}: {exc}; write a version (1.5.7), a constraint (~> 1.5.0), or one of {', '.join(KEYWORDS)}, latest:<regex>"
        ) from None
    chosen = constraints.best(candidates)
    if chosen is None:
        raise no_match(f"{where}: no {tool.product} release satisfies '{spec}'")
    return chosen


def needs_index(pin: Pin) -> bool:
    """Whether resolving the pin needs the list of releases (an exact version does not)."""
    return pin.exact is None


# A constraint on X.Y.Z-pre, rewritten on X.Y.Z: it allows the same releases (`=` names the
# release instead of its pre-release, the nearest thing Terraform accepts).
_ON_RELEASE = {">=": ">=", "=": "=", "~>": "~>", "<": "<", ">": ">=", "<=": "<"}


def without_prerelease(constraints: Constraints) -> str:
    """The constraint Terraform accepts in place of one naming pre-releases ("" when nothing is left)."""
    parts = []
    for c in constraints.items:
        core = ".".join(str(n) for n in c.version.release[: c.version.given])  # as written: ~> 1.6 is not ~> 1.6.0
        if not c.version.prerelease:
            parts.append(f"{c.op} {core}")
        elif c.op in _ON_RELEASE:  # `!= X.Y.Z-pre` excludes no release: dropped
            parts.append(f"{_ON_RELEASE[c.op]} {core}")
    return ", ".join(parts)


def prerelease_constraints(module: Path, tool: Tool = TERRAFORM) -> list[tuple[str, Path, int]]:
    """The root module's `required_version`s that name a pre-release, with file and line."""
    found = []
    for text, path, line in required_versions(module, tool.module_files):
        try:
            named = [c for c in parse(text).items if c.version.prerelease]
        except ConstraintError:
            continue  # module_constraints reports it
        if named:
            found.append((text, path, line))
    return found


def refusal(pin: Pin, tilde: Callable[[str], str] = str, tool: Tool = TERRAFORM) -> Optional[str]:
    """Say now what Terraform (or OpenTofu) will say later about a pre-release in the folder's `required_version`.

    Terraform refuses any `required_version` that names a pre-release ("Prerelease version
    constraints are not supported"), whatever version runs; OpenTofu kept the rule. When `required_version` is what pins
    the folder, no version bootstrap could pick would run it: raise, naming the file and line.
    When something else picks the version (`.terraform-version`, a tfenv keyword reading
    `required_version` as tfenv does, the command line), return the warning to print."""
    deciding = pin.source == "required_version"
    if pin.source in ("your default", "profile", "terragrunt"):
        return None  # found only where the module has no required_version
    module = pin.module or Path.cwd()
    try:
        named = prerelease_constraints(module, tool)
    except UserError:
        if deciding:
            raise
        return None  # a file Terraform cannot read is Terraform's to report; the pin stands
    if not named:
        return None
    text, path, line = named[0]
    constraints = parse(text)
    pre = next(str(c.version) for c in constraints.items if c.version.prerelease)
    refused = (
        f"{tilde(str(path))}:{line}: {tool.product} refuses pre-release versions in required_version "
        f'("Prerelease version constraints are not supported: {pre}")'
    )
    fixed = without_prerelease(constraints)
    fix = f"it says '{fixed}'" if fixed else "it is removed"
    if deciding:
        change = f"write '{fixed}' there" if fixed else "remove that required_version"
        raise UserError(f"{refused}; {change} (to run {pre} itself, also pin it: `bootstrap {tool.command} use {pre}`)")
    return (
        f"warning: {refused}; {pin.where(tilde)} still chooses the version, but {tool.command} init and plan "
        f"stop at that line until {fix}"
    )
