"""``is_text_area`` while Textual's TextArea module is still being imported by another thread."""

from __future__ import annotations

import sys
import types

import pytest

from cio_tui.tui.focus import is_text_area


def test_a_text_area_module_half_imported_is_no_text_area(monkeypatch: pytest.MonkeyPatch) -> None:
    half = types.ModuleType("textual.widgets._text_area")  # in sys.modules, TextArea not defined yet
    monkeypatch.setitem(sys.modules, "textual.widgets._text_area", half)
    assert is_text_area(object()) is False


def test_a_text_area_is_one_once_imported() -> None:
    from textual.widgets import TextArea

    assert is_text_area(TextArea()) is True
    assert is_text_area(object()) is False
