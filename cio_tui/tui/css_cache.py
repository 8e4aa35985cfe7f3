"""Textual's parsed stylesheets, kept between runs like Python's bytecode.

Textual parses every stylesheet at each start: the app's ``styles/*.tcss`` and the default CSS of every widget
class on screen, about 30 ms of the first frame (more than a third of what the app does before it). The parsed
rules of each source are saved in the user's cache folder (``$XDG_CACHE_HOME/cio-tui``, by default
``~/.cache/cio-tui``; never in the data dir, which gets copied and handed over) when the app ends, and a later
start reuses the rules of every source whose text, location, priority and scope are the same (anything else is
parsed as usual). The file says which Textual and Rich installs, Python version and CSS variables (the theme) the
rules were parsed with, and is used only by the same; a theme change during the run parses again, as Textual does.

What the file holds is unpickled, that is, it could run code with the user's keyring at hand. So it is used only
when it carries an HMAC-SHA256 of its content made with this machine's own key: 32 random bytes created on the
first save, owner-only, next to it (``css-cache.key``; ``signed_files.py`` checks and writes both). A file from
anywhere else (a copied or restored cache folder without its key, an edited file) fails that check and is ignored,
then replaced at the end of the run. The folder and both files must be this user's and owner-only, and neither file
is followed through a symlink. The check costs a file read and one HMAC of about 100 kB: well under a millisecond.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import rich
import textual
from textual.css.stylesheet import Stylesheet

from cio_tui.signed_files import read_signed, write_signed

if TYPE_CHECKING:
    from textual.css.model import RuleSet
    from textual.css.types import CSSLocation

CacheKey = tuple[str, "CSSLocation", bool, int, str]
"""What Textual's own parse cache keys a source by: its text, where it was read from, default or not, its tie
breaker and its scope."""
FORMAT = 2  # of the saved file; a new format starts a new file


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
KEY_FILE = "css-cache.key"


def cache_identity(variables: dict[str, str]) -> str:
    """What the saved rules were parsed by and with: this Textual and Rich (the rules hold Rich's styles and
    colours), this Python, these CSS variables (the theme). Each package is told by its installed files (where, and
    when they were written: an install or upgrade rewrites them), not by ``__version__``, which imports
    ``importlib.metadata`` (about 10 ms)."""
    packages = []
    for package in (textual, rich):
        installed = os.stat(package.__file__ or "")
        packages.append((package.__file__, installed.st_mtime_ns, installed.st_size))
    return repr((FORMAT, packages, sys.version_info[:2], sorted(variables.items())))


def load_stylesheet(folder: Path | None, variables: dict[str, str]) -> CachedStylesheet:
    """A stylesheet with the rules saved in ``folder`` for ``variables`` (none when there is no usable file)."""
    saved: dict[CacheKey, list[RuleSet]] = {}
    if folder is not None:
        saved = _read(folder, cache_identity(variables))
    return CachedStylesheet(variables=variables, saved=saved)


def _read(folder: Path, identity: str) -> dict[CacheKey, list[RuleSet]]:
    try:
        payload = read_signed(folder, CACHE_FILE, KEY_FILE)
        if payload is None:  # none, or not written by this machine's cio-tui: never unpickled
            return {}
        saved_identity, data = pickle.loads(payload)
    except Exception:  # unreadable or from an older Textual: parse as usual, the next save replaces it
        return {}
    return data if saved_identity == identity and isinstance(data, dict) else {}


def save_stylesheet(stylesheet: Stylesheet, folder: Path | None) -> None:
    """Save the rules of every source this run used, when some were parsed now (never raises: a cache)."""
    if folder is None or not isinstance(stylesheet, CachedStylesheet) or not stylesheet.parsed_now:
        return
    try:
        saved = (cache_identity(stylesheet.cache_variables), stylesheet.used)
        payload = pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)
        write_signed(folder, CACHE_FILE, KEY_FILE, payload)
    except Exception:  # a full disk or a read-only cache folder: the next start parses, as Textual does
        pass


__all__ = ["CACHE_FILE", "KEY_FILE", "CachedStylesheet", "cache_identity", "load_stylesheet", "save_stylesheet"]
