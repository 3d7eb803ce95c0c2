"""The work of each command: select, plan, apply and verify the components (converge), the
commands built on it (runs), doctor's concurrent checks (doctor), and what people see
(render, render_doctor, render_teams).

Imports the components (through the registry in bootstrap.components), the profiles and the
system layer; never the CLI.
"""
