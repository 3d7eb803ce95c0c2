"""AWS: the CLI, the team's SSO sessions and role-chain profiles in ~/.aws/config, and who you
are; editing the config file (config), checking it as a graph (graph, explain), SSO sessions
(sso), identities (identity), and how all of it is shown (render).

Uses bootstrap.profiles and bootstrap.system.
"""
