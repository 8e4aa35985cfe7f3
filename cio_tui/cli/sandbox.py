"""Placeholder: replaced by the module's owner (issue 3)."""

import click


@click.group("sandbox")
def sandbox_group() -> None:
    """Not built yet (issue 3)."""
    raise click.ClickException("not built yet")
