"""Placeholder: replaced by the module's owner (issue 6)."""

import click


@click.group("journal")
def journal_group() -> None:
    """Not built yet (issue 6)."""
    raise click.ClickException("not built yet")
