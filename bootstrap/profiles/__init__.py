"""Role profiles: the schema, loading and merging them (load), the answers to their questions
and the terminal that asks them (answers, prompts), conditions, validation with YAML positions
(validate, yamlpos), team sources and the trust a person gives them (sources, trust), and the
scaffold of a new profile.

Imports only bootstrap.system.
"""
