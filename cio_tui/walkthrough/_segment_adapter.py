"""Adapter to the Preview's saved call sets (``cio_tui.segment.callsets``) and the preview engine.

Saved sets live where the Preview screen saves them (``callsets_dir(workspace.data_dir)``); each is replayed
offline through ``preview_text`` and read in the ``cio-tui preview --json`` shape.
"""

from __future__ import annotations

from pathlib import Path

from cio_tui.walkthrough.calls import PreviewedCall


def callsets_dir(data_dir: Path) -> Path:
    from cio_tui.segment.callsets import callsets_dir as segment_callsets_dir

    return segment_callsets_dir(Path(data_dir))


def saved_set_names(data_dir: Path) -> list[str]:
    from cio_tui.segment.callsets import list_call_sets

    return [s.name for s in list_call_sets(callsets_dir(data_dir))]


def previewed_calls(
    data_dir: Path, names: list[str] | None = None, *, convert_to_unix_time: bool | None = None
) -> list[PreviewedCall]:
    """Preview every call of the named sets (all saved sets when ``names`` is None). Unreadable sets are skipped."""
    from cio_tui.segment.callsets import list_call_sets

    wanted = set(names) if names is not None else None
    sets = [s for s in list_call_sets(callsets_dir(data_dir)) if wanted is None or s.name in wanted]
    if not sets:  # nothing to replay: the preview engine is not even imported (the Walkthrough's first draw)
        return []
    from cio_tui.segment.classic import ClassicSettings
    from cio_tui.segment.parser import ParseError
    from cio_tui.segment.preview import preview_text

    settings = ClassicSettings(convert_to_unix_time=convert_to_unix_time is not False)
    out: list[PreviewedCall] = []
    for call_set in sets:
        try:
            results = preview_text(call_set.text, classic_settings=settings)
        except ParseError:
            continue
        out += [PreviewedCall.from_result(r.to_json(), set_name=call_set.name) for r in results]
    return out
