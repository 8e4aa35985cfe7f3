"""docs/sandbox-fidelity.md is generated from the engine's behaviour list, and every behaviour the engine applies
has a row (and every row is applied somewhere)."""

from __future__ import annotations

import re
from pathlib import Path

from cio_tui.model.behaviours import BEHAVIOURS, BY_KEY
from cio_tui.sandbox.fidelity import render
from cio_tui.sandbox.serving import SERVER_BEHAVIOURS

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "cio_tui" / "model"


def _engine_sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in MODEL.glob("*.py") if p.name != "behaviours.py"}


def test_the_doc_is_generated_from_the_behaviour_list() -> None:
    doc = (ROOT / "docs" / "sandbox-fidelity.md").read_text(encoding="utf-8")
    assert doc == render(), "regenerate: python -m cio_tui.sandbox.fidelity > docs/sandbox-fidelity.md"


def test_every_behaviour_the_engine_applies_has_a_row() -> None:
    used: set[str] = set()
    for text in _engine_sources().values():
        for args in re.findall(r"\buses\(([^)]*)\)", text):
            used.update(re.findall(r'(?<!== )"([a-z0-9_]+)"', args))
        for applies in re.findall(r"APPLIES = \(([^)]*)\)", text):
            used.update(re.findall(r'"([a-z0-9_]+)"', applies))
    missing = sorted(k for k in used if k not in BY_KEY)
    assert not missing, f"the engine applies behaviours with no row in cio_tui/model/behaviours.py: {missing}"
    unused = sorted(b.key for b in BEHAVIOURS if b.key not in used)
    assert not unused, f"rows no engine code applies (remove them or name them with uses()): {unused}"


def test_each_row_has_a_public_source_and_a_status() -> None:
    keys = [b.key for b in (*BEHAVIOURS, *SERVER_BEHAVIOURS)]
    assert len(keys) == len(set(keys))
    for b in (*BEHAVIOURS, *SERVER_BEHAVIOURS):
        assert b.source.startswith("https://"), b.key
        assert b.status in ("confirmed", "assumed"), b.key
        assert b.does and b.title, b.key


def test_a_fake_row_missing_is_caught(monkeypatch) -> None:
    """The check can fail: drop one row and the engine's use of it is reported."""
    import cio_tui.model.behaviours as behaviours

    monkeypatch.delitem(behaviours.BY_KEY, "event_dedupe")
    used = set(re.findall(r'uses\("([a-z0-9_]+)"\)', _engine_sources()["events.py"]))
    assert "event_dedupe" in used and "event_dedupe" not in behaviours.BY_KEY
