"""A notebook as Jupyter saves it, with an output that must never reach a commit."""

from __future__ import annotations

from typing import Any

NOTEBOOK: dict[str, Any] = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": 3,
            "id": "a1",
            "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["customer 42\n"]}],
            "source": ["print('customer', 42)"],
        }
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def stripped() -> dict[str, Any]:
    """The same notebook as nbstripout leaves it: no outputs, no execution count."""
    cell = {**NOTEBOOK["cells"][0], "outputs": [], "execution_count": None}
    return {**NOTEBOOK, "cells": [cell]}
