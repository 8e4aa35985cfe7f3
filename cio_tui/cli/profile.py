"""Placeholder: replaced by the module's owner (issue 2)."""

import click


@click.group("profile")
def profile_group() -> None:
    """Not built yet (issue 2)."""
    raise click.ClickException("not built yet")
