"""``cio-tui person LOOKUP [--by id|email|cio_id] [--json]``: print a person's identity card.

The kind is auto-detected when ``--by`` is absent: ``cio_…`` is a cio_id, anything with ``@`` an email, else an id.
Exit codes: 0 found, 1 not found or a lookup that is not a valid identifier, 3 auth, 4 network/region.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from cio_tui.cli.context import EXIT_USER, CliContext, echo_json, pass_cli

if TYPE_CHECKING:
    from cio_tui.customerio.identifiers import Identifier
    from cio_tui.identity.card import IdentityCard


def parse_lookup(text: str, by: str | None) -> Identifier:
    """Identifier from operator input; raises UserError with the plain reason when it is not valid."""
    from pydantic import ValidationError

    from cio_tui.cli.context import UserError
    from cio_tui.customerio.identifiers import Identifier, IdentifierError

    try:
        return Identifier.detect(text, kind=by)
    except ValidationError as exc:
        msg = str(exc.errors()[0].get("msg", "invalid identifier")).removeprefix("Value error, ")
        raise UserError(msg) from None
    except IdentifierError as exc:
        raise UserError(str(exc)) from None


def _when(ts: int | None) -> str:
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def render_card(card: IdentityCard) -> list[str]:
    """The card as plain text lines (no colour needed to read it)."""
    p = card.person
    lines = [
        f"Person cio_{p.cio_id}  (looked up by {card.lookup.describe()})",
        f"  id            {p.id or '-'}",
        f"  email         {p.email or '-'}",
        f"  cio_id        {p.cio_id}",
        f"  created       {_when(p.created_at)}",
        f"  unsubscribed  {'yes' if p.unsubscribed else 'no'}",
    ]
    if p.is_lead:
        lines.append("  note          a lead: email only, no id")
    attrs = card.other_attributes
    lines.append(f"Attributes ({card.attributes_count})")
    width = min(max((len(k) for k in attrs), default=0), 28)
    lines += [f"  {k:<{width}}  {v}" for k, v in attrs.items()] or ["  none"]
    lines.append(f"Devices ({len(p.devices)})")
    lines += [f"  {d.id}  {d.platform or '-'}  last used {_when(d.last_used)}" for d in p.devices] or ["  none"]
    lines.append(f"Segments ({len(card.segments)})")
    lines += [f"  {s.id:>5}  {s.name}" for s in card.segments] or ["  none"]
    lines.append(f"Recent activity ({len(card.activities)}; ! marks identity problems)")
    for a in card.activities:
        mark = "!" if a.flag else " "
        extra = f"  [{a.flag}]" if a.flag else ""
        lines.append(f"  {mark} {_when(a.timestamp)}  {a.type}{'  ' + a.name if a.name else ''}{extra}")
    if not card.activities:
        lines.append("  none")
    if card.messages is not None:
        lines.append(f"Messages ({len(card.messages)})")
        lines += [f"  {_when(m.created)}  {m.type or '-'}  {m.subject or ''}".rstrip() for m in card.messages] or [
            "  none"
        ]
    if card.others:
        lines.append(f"Same email ({len(card.others)} more)")
        lines += [f"  cio_{o.cio_id}  id {o.id or '-'}" for o in card.others]
    lines += [f"Warning: {w}" for w in card.warnings]
    return lines


@click.command("person")
@click.argument("lookup")
@click.option(
    "--by",
    type=click.Choice(["id", "email", "cio_id"]),
    default=None,
    help="What LOOKUP is (auto-detected when absent: cio_… is a cio_id, an @ means email).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the identity card as JSON.")
@pass_cli
def person_cmd(cli: CliContext, lookup: str, by: str | None, as_json: bool) -> None:
    """Show the identity card of the person LOOKUP: identifiers, attributes, devices, segments, recent activity."""
    from cio_tui.identity.card import build_card

    with cli.guard():
        who = parse_lookup(lookup, by)

    from cio_tui.identity.resolve import cio_id_fallback

    async def main() -> IdentityCard | None:
        ws = await cli.open_workspace()
        async with ws:
            card = await build_card(ws.client, who)
            as_cio = cio_id_fallback(who) if card is None and by is None else None
            if as_cio is not None:  # a cio_id pasted without its prefix, as the app reads it
                card = await build_card(ws.client, as_cio)
                if card is not None and not as_json:
                    click.echo(f"No person has the id {who.value!r}; this is the person whose cio_id is {who.value}.")
            return card

    card = cli.run(main())
    if card is None:
        cli.fail(f"no person with {who.describe()} in workspace {cli.workspace_name}", EXIT_USER)
    if as_json:
        echo_json(card.model_dump(mode="json"))
        return
    for line in render_card(card):
        click.echo(line)
