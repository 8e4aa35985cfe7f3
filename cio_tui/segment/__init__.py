"""Segment messages and the two Customer.io destinations as pure functions; preview, diff and outcome prediction.

No Textual and no import of ``cio_tui.customerio`` here. Entry points:
``preview_text(text)`` -> ``[PreviewResult]``, ``with_outcomes(results, lookup, settings)``, ``parse_input``.

The names below are imported on first use (PEP 562), so that importing a light submodule such as
``cio_tui.segment.presets`` does not load the whole preview engine and its models (the Walkthrough's first frame
needs only the presets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cio_tui.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from cio_tui.segment.jsliteral import ParseError
    from cio_tui.segment.outcome import KnownPerson, Outcome, PeopleLookup, WorkspaceSettings
    from cio_tui.segment.preview import PreviewResult, preview_call, preview_text, results_json, with_outcomes

_HOMES = {
    "ParseError": "jsliteral",
    "KnownPerson": "outcome",
    "Outcome": "outcome",
    "PeopleLookup": "outcome",
    "WorkspaceSettings": "outcome",
    "PreviewResult": "preview",
    "preview_call": "preview",
    "preview_text": "preview",
    "results_json": "preview",
    "with_outcomes": "preview",
}


__getattr__ = lazy_exports(__name__, _HOMES)


__all__ = [
    "KnownPerson",
    "Outcome",
    "ParseError",
    "PeopleLookup",
    "PreviewResult",
    "WorkspaceSettings",
    "preview_call",
    "preview_text",
    "results_json",
    "with_outcomes",
]
