"""App-level messages: screens post these (messages up); the app switches area and calls the target (calls down).

A screen never imports another screen. To send the operator elsewhere::

    self.post_message(OpenPreview(text))          # or: self.app.open_preview(text)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class OpenArea(Message):
    """Switch to an area by mode name (see ``cio_tui.tui.areas.AREAS``)."""

    mode: str


@dataclass
class OpenPerson(Message):
    """Show a person in People. ``who`` is an ``Identifier`` or operator text (auto-detected)."""

    who: Any


@dataclass
class OpenPreview(Message):
    """Open Preview with this Segment call (JSON or an ``analytics.identify(...)`` line) prefilled."""

    text: str


@dataclass
class OpenPlan(Message):
    """Open Plan/Apply on this ``cio_tui.identity.plan.Plan`` for review."""

    plan: Any


__all__ = ["OpenArea", "OpenPerson", "OpenPlan", "OpenPreview"]
