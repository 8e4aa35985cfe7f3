"""Placeholder: replaced by the module's owner (issue 8)."""

import click


@click.group("walkthrough")
def walkthrough_group() -> None:
    """Not built yet (issue 8)."""
    raise click.ClickException("not built yet")
