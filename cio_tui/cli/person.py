"""Placeholder: replaced by the module's owner (issue 2)."""

import click


@click.command("person")
def person_cmd() -> None:
    """Not built yet (issue 2)."""
    raise click.ClickException("not built yet")
