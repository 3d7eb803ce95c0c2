"""Packages: the role's software, through the platform's package manager and, for Python tools,
uv.

Uses bootstrap.profiles and bootstrap.system (syspkg runs the package managers).
"""
