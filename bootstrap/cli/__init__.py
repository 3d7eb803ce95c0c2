"""Command line: parse, build the context, call one function, render. Nothing else lives here.

The root app is in `main`; each command group (`profile`, ...) is a module of its own. Heavy
modules (pydantic, questionary, rich tables) are imported inside the commands, so that
`bootstrap --help` stays fast.
"""

from __future__ import annotations

from bootstrap.cli.main import app, main

__all__ = ["app", "main"]
