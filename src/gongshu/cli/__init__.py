"""Typer command line: `gongshu ...`."""
