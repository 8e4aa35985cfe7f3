"""Textual's parsed stylesheets, kept between runs like Python's bytecode.

Textual parses every stylesheet at each start: the app's ``styles/*.tcss`` and the default CSS of every widget
class on screen, about 30 ms of the first frame (more than a third of what the app does before it). The parsed
rules of each source are saved in the data dir's ``cache/`` folder when the app ends, and a later start reuses the
rules of every source whose text, location, priority and scope are the same (anything else is parsed as usual).
The file says which Textual install, Python version and CSS variables (the theme) the rules were parsed with, and
is used only by the same; a theme change during the run parses again, as Textual does. The cache folder is
owner-only and a file anyone else could have written is ignored: what it holds is unpickled.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import textual
from textual.css.stylesheet import Stylesheet

from cio_tui.private_files import private_dir, write_private

if TYPE_CHECKING:
    from textual.css.model import RuleSet
    from textual.css.types import CSSLocation

CacheKey = tuple[str, "CSSLocation", bool, int, str]
"""What Textual's own parse cache keys a source by: its text, where it was read from, default or not, its tie
breaker and its scope."""
FORMAT = 1  # of the saved file; a new format starts a new file


class CachedStylesheet(Stylesheet):
    """A ``Stylesheet`` that takes a source's parsed rules from ``saved`` (an earlier run's) when it can, and
    remembers every source's rules this run (``used``) for the next one."""

    def __init__(self, *, variables: dict[str, str], saved: dict[CacheKey, list[RuleSet]]) -> None:
        super().__init__(variables=variables)
        self._saved = saved
        self.cache_variables = dict(variables)
        """The variables the saved and used rules were parsed with (empty once the theme changed: nothing kept)."""
        self.used: dict[CacheKey, list[RuleSet]] = {}
        """Each source's rules as this run parsed or reused them (what the next run can reuse)."""
        self.parsed_now = False
        """True when a source was parsed this run (the saved file is worth rewriting)."""

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        if variables != self.cache_variables:  # another theme: rules parsed with the old variables do not apply
            self._saved, self.used, self.parsed_now = {}, {}, False
            self.cache_variables = {}

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key: CacheKey = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = self._saved.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if self.cache_variables and not any(rule.errors for rule in rules):
                self.parsed_now = True
            else:
                return rules  # errors are reported every run; rules of another theme are not kept
        if self.cache_variables:
            self.used[key] = rules
        return rules


CACHE_FILE = "textual-css.pickle"


def cache_identity(variables: dict[str, str]) -> str:
    """What the saved rules were parsed by and with: this Textual, this Python, these CSS variables (the theme).
    Textual is told by its installed files (where, and when they were written: an install or upgrade rewrites
    them), not by ``textual.__version__``, which imports ``importlib.metadata`` (about 10 ms)."""
    installed = os.stat(textual.__file__)
    textual_id = (textual.__file__, installed.st_mtime_ns, installed.st_size)
    return repr((FORMAT, textual_id, sys.version_info[:2], sorted(variables.items())))


def load_stylesheet(folder: Path | None, variables: dict[str, str]) -> CachedStylesheet:
    """A stylesheet with the rules saved in ``folder`` for ``variables`` (none when there is no usable file)."""
    saved: dict[CacheKey, list[RuleSet]] = {}
    if folder is not None:
        saved = _read(folder / CACHE_FILE, cache_identity(variables))
    return CachedStylesheet(variables=variables, saved=saved)


def _read(path: Path, identity: str) -> dict[CacheKey, list[RuleSet]]:
    try:
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            if st.st_uid != os.getuid() or st.st_mode & 0o022:  # only a file no one else could have written
                return {}
            saved_identity, data = pickle.load(fh)
    except FileNotFoundError:
        return {}
    except Exception:  # unreadable or from an older Textual: parse as usual, the next save replaces it
        return {}
    return data if saved_identity == identity and isinstance(data, dict) else {}


def save_stylesheet(stylesheet: Stylesheet, folder: Path | None) -> None:
    """Save the rules of every source this run used, when some were parsed now (never raises: a cache)."""
    if folder is None or not isinstance(stylesheet, CachedStylesheet) or not stylesheet.parsed_now:
        return
    try:
        saved = (cache_identity(stylesheet.cache_variables), stylesheet.used)
        write_private(private_dir(folder) / CACHE_FILE, pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # a full disk or a read-only data dir: the next start parses, as Textual does
        pass


__all__ = ["CACHE_FILE", "CachedStylesheet", "cache_identity", "load_stylesheet", "save_stylesheet"]
