"""Connections: the team's databases and warehouses, in the tools' own files, proven with a real query.

Uses bootstrap.components.secrets.backends (each password is read from the password manager,
in memory) and bootstrap.profiles, bootstrap.system. Database drivers are imported by probe.py only.
"""
