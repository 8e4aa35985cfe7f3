"""pytest's assertion rewriting done once, before the xdist workers start, instead of once in every worker.

pytest rewrites the ``assert`` statements of every test module, conftest and plugin package (hypothesis, anyio,
syrupy...) as it imports them, and caches the result in ``__pycache__`` (``*-pytest-X.Y.pyc``), but only when it may
write bytecode: with ``PYTHONDONTWRITEBYTECODE`` set (this machine image sets it) nothing is cached, and each worker
parsed and rewrote about 240 modules again at collection, 4-5 s CPU per worker. pytest still *reads* that cache when
it may not write it, so the controller writes it here, as a worker would have, and every worker finds it.

This reaches into pytest's own rewriting functions (``_pytest.assertion.rewrite``): if they are not there (another
pytest), nothing is written and each worker rewrites as before; the rewritten code is pytest's in both cases.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _plugin_files(names: set[str]) -> Iterator[Path]:
    """The source files of the modules and packages pytest rewrites because a plugin asked for it."""
    for name in sorted(names):
        if "." in name:  # a submodule: its package is listed too
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        if spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                yield from sorted(Path(location).rglob("*.py"))
        else:
            yield Path(spec.origin)


def _is_current(source: Path, pyc: Path, magic: bytes) -> bool:
    """The cached file's header matches the source (pytest's own check, without unmarshalling the code)."""
    try:
        stat = source.stat()
        with open(pyc, "rb") as fp:
            header = fp.read(16)
    except OSError:
        return False
    return (
        len(header) == 16
        and header[:4] == magic
        and header[4:8] == b"\x00\x00\x00\x00"
        and int.from_bytes(header[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
        and int.from_bytes(header[12:16], "little") == stat.st_size & 0xFFFFFFFF
    )


def rewrite_ahead(config: pytest.Config, tests: Path) -> None:
    """Write pytest's rewritten-module cache for the test modules, conftests and plugin packages, unless pytest
    writes it itself anyway (bytecode allowed) or does not rewrite (``--assert=plain``)."""
    if not sys.dont_write_bytecode:
        return
    try:
        from _pytest.assertion import rewrite
    except ImportError:
        return
    state: Any = config.stash.get(rewrite.assertstate_key, None)
    hook = getattr(state, "hook", None)
    needed = ("PYC_TAIL", "get_cache_dir", "_rewrite_test", "_write_pyc", "try_makedirs")
    if hook is None or not all(hasattr(rewrite, name) for name in needed):
        return
    patterns = config.getini("python_files")
    test_files = [p for p in sorted(tests.rglob("*.py")) if p.name == "conftest.py" or _matches(p, patterns)]
    files = test_files + list(_plugin_files(set(getattr(hook, "_must_rewrite", ()))))
    magic = importlib.util.MAGIC_NUMBER
    for source in files:
        cache_dir = rewrite.get_cache_dir(source)
        pyc = cache_dir / (source.name[:-3] + rewrite.PYC_TAIL)
        if _is_current(source, pyc, magic):
            continue
        try:
            if not rewrite.try_makedirs(cache_dir):
                continue
            source_stat, code = rewrite._rewrite_test(source, config)
            rewrite._write_pyc(state, code, source_stat, pyc)
        except (OSError, SyntaxError, ValueError):  # left to the worker, which reports it as pytest does
            continue


def _matches(path: Path, patterns: list[str]) -> bool:
    from fnmatch import fnmatch

    return any(fnmatch(path.name, pattern) for pattern in patterns)


__all__ = ["rewrite_ahead"]
