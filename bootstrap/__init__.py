"""bootstrap: a new data hire's environment in one command, and a doctor for it."""

__version__ = "0.1.0"
