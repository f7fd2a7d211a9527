"""Operator commands as plain functions: each takes a service's database URL and returns data,
with a function that formats it as a table, and a ``register(subparsers)`` that plugs the
commands into an ``argparse`` program (the ``wbs`` console script)."""
