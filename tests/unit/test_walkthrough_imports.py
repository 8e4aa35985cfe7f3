"""The walkthrough domain is headless: importing it (and its CLI) never loads Textual."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["cio_tui.walkthrough.service", "cio_tui.cli.walkthrough"])
def test_walkthrough_does_not_import_textual(module: str) -> None:
    code = f"import sys, importlib; importlib.import_module({module!r}); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
