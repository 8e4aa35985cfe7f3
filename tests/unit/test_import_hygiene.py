"""Headless layers never import Textual (the CLI starts fast and works without a terminal).

Every module of the headless packages is imported, leaves included: importing a package's empty ``__init__`` would
prove nothing. The layer rules themselves (who may import whom) are import-linter contracts in pyproject.toml,
checked by ``lint-imports`` in CI.
"""

import pkgutil
import subprocess
import sys

import pytest

import cio_tui

HEADLESS_PACKAGES = (
    "cio_tui.cli",
    "cio_tui.customerio",
    "cio_tui.segment",
    "cio_tui.identity",
    "cio_tui.sandbox",
    "cio_tui.walkthrough",
    "cio_tui.model",
    "cio_tui.segment_api",
    "cio_tui.cutover",
)
HEADLESS_TOP = (
    "cio_tui.config",
    "cio_tui.credentials",
    "cio_tui.workspace",
    "cio_tui.regions",
    "cio_tui.errors",
    "cio_tui.safe_text",
    "cio_tui.private_files",
    "cio_tui.lazy_exports",
    "cio_tui.json_types",
)


def headless_modules() -> list[str]:
    names = list(HEADLESS_TOP)
    for info in pkgutil.walk_packages(cio_tui.__path__, "cio_tui."):
        if info.name.startswith(HEADLESS_PACKAGES):
            names.append(info.name)
    return sorted(names)


def test_the_module_list_reaches_the_leaves() -> None:
    names = headless_modules()
    assert "cio_tui.identity.apply" in names and "cio_tui.sandbox.store" in names
    assert not any(name.startswith("cio_tui.tui") for name in names)


@pytest.mark.parametrize("package", HEADLESS_PACKAGES + HEADLESS_TOP)
def test_headless_modules_do_not_import_textual(package: str) -> None:
    modules = [name for name in headless_modules() if name == package or name.startswith(package + ".")]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'textual' in sys.modules:\n"
        "        print(name); break\n"
        "else:\n"
        "    print('clean')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "clean", f"{out.stdout.strip()} imports Textual"


def test_help_imports_no_asyncio_nor_pydantic() -> None:
    """``cio-tui --help`` lists every command (importing its module): none may pull asyncio or pydantic at import."""
    code = (
        "import sys; from cio_tui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('asyncio', 'pydantic', 'httpx', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
