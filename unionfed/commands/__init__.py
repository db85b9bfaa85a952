"""Subcommands of ``unionfed``: each module adds its parser and runs it, returning the exit status."""
