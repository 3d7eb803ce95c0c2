"""Dotfiles: the profile's templates, rendered with its answers and written by the file engine.

Uses bootstrap.profiles, bootstrap.system, and the git component.
"""
