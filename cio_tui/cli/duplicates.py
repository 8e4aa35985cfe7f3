"""Placeholder: replaced by the module's owner (issue 7)."""

import click


@click.command("duplicates")
def duplicates_cmd() -> None:
    """Not built yet (issue 7)."""
    raise click.ClickException("not built yet")


@click.command("merge-duplicates")
def plan_merge_duplicates() -> None:
    """Not built yet (issue 7)."""
    raise click.ClickException("not built yet")
