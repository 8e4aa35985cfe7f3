"""Segment messages and the two Customer.io destinations as pure functions; preview, diff and outcome prediction.

No Textual and no import of ``cio_tui.customerio`` here (DESIGN section 2). Entry points:
``preview_text(text)`` -> ``[PreviewResult]``, ``with_outcomes(results, lookup, settings)``, ``parse_input``.
"""

from cio_tui.segment.jsliteral import ParseError
from cio_tui.segment.outcome import KnownPerson, Outcome, PeopleLookup, WorkspaceSettings
from cio_tui.segment.preview import PreviewResult, preview_call, preview_text, results_json, with_outcomes

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
