"""``recorded_identifier_settings``: the step-2 record in the keys of the outcome prediction, read headlessly."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from cio_tui.walkthrough.recorded import recorded_identifier_settings
from cio_tui.walkthrough.state import WalkthroughStore


def test_the_record_of_the_state_store_is_read_in_prediction_keys(tmp_path: Path) -> None:
    store = WalkthroughStore(tmp_path / "walkthrough.json", now=lambda: datetime(2026, 1, 1, tzinfo=UTC))

    def record(state, now) -> None:  # type: ignore[no-untyped-def]
        state.identifier_settings.mode = "id_only"
        state.identifier_settings.email_updates_by_id = True

    store.update(record)
    assert recorded_identifier_settings(tmp_path) == {"mode": "id_only", "email_update_by_id": True}


def test_nothing_recorded_or_no_readable_file_gives_none(tmp_path: Path) -> None:
    assert recorded_identifier_settings(None) is None
    assert recorded_identifier_settings(tmp_path) is None  # no file
    (tmp_path / "walkthrough.json").write_text(json.dumps({"identifier_settings": {}}), encoding="utf-8")
    assert recorded_identifier_settings(tmp_path) is None  # nothing recorded yet
    (tmp_path / "walkthrough.json").write_text("{not json", encoding="utf-8")
    assert recorded_identifier_settings(tmp_path) is None
    (tmp_path / "walkthrough.json").write_text(json.dumps({"identifier_settings": {"mode": "x"}}), encoding="utf-8")
    assert recorded_identifier_settings(tmp_path) is None


def test_the_reader_is_headless_and_identity_never_loads_walkthrough() -> None:
    code = (
        "import sys; import cio_tui.identity.lookup; print('cio_tui.walkthrough' in sys.modules); "
        "import cio_tui.walkthrough.recorded; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
