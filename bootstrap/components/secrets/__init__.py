"""Secrets: the team's password manager installed and signed in, and every secret the profile
names readable; the password-manager backends (backends/), the plaintext-secret scan (scan),
the git hook that runs it (hook), and how the secrets commands show results (render).

Uses bootstrap.profiles and bootstrap.system.
"""
