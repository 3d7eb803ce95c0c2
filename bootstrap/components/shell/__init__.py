"""Shell: PATH, the profile's variables and aliases, and TAB completion for bash, zsh and fish;
the generated init scripts (initscripts), the login PATH (path) and the completion scripts
(completions, built from the command tree the CLI hands down in the context).

Uses bootstrap.profiles and bootstrap.system.
"""
