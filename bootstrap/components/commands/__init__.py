"""Commands: a profile's own shell commands, run only once the person has trusted them.

Uses bootstrap.profiles (trust) and bootstrap.system.
"""
