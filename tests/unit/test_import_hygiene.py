"""Headless layers never import Textual (the CLI starts fast and works without a terminal)."""

import subprocess
import sys

import pytest

HEADLESS = [
    "cio_tui.cli",
    "cio_tui.customerio.client",
    "cio_tui.segment",
    "cio_tui.identity",
    "cio_tui.sandbox",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, importlib; importlib.import_module({module!r}); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
