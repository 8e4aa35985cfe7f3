"""App-level messages: screens post these (messages up); the app switches area and calls the target (calls down).

A screen never imports another screen. To send the operator elsewhere::

    self.post_message(OpenPreview(text))          # or: self.app.open_preview(text)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # pydantic models: imported for the type checker only (the first frame stays light)
    from cio_tui.customerio.identifiers import Identifier
    from cio_tui.identity.plan import Plan


@dataclass
class OpenArea(Message):
    """Switch to an area by mode name (see ``cio_tui.tui.areas.AREAS``)."""

    mode: str


@dataclass
class OpenPerson(Message):
    """Show a person in People. ``who`` is an ``Identifier`` or operator text (auto-detected)."""

    who: Identifier | str


@dataclass
class OpenPreview(Message):
    """Open Preview with this Segment call (JSON or an ``analytics.identify(...)`` line) prefilled."""

    text: str


@dataclass
class OpenPlan(Message):
    """Open Plan/Apply on this ``cio_tui.identity.plan.Plan`` for review."""

    plan: Plan


__all__ = ["OpenArea", "OpenPerson", "OpenPlan", "OpenPreview"]
