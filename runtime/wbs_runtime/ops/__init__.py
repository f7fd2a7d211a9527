"""The operators' command, ``wbs``: every operator task of every service, in one place."""
