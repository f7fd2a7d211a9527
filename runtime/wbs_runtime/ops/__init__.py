"""The operators' command, ``wbs``: every operator task of every service, in one place.

Each group is a module with plain functions (taking a service's database URL, returning data and
a function that formats it as a table) and a ``register(subparsers)`` that plugs its commands in."""
