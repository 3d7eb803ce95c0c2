"""The machine and the only ways to touch it: what was read from it (context, paths,
versions), running programs (proc, parallel, syspkg), changing files (files, steps, managed),
what checks report (findings), the errors everyone raises, and the release client with its
signature check (releases, verify, keys/) that every pinned-download component shares.

The bottom layer: nothing here imports the profiles, the components, the engine or the CLI.
"""
