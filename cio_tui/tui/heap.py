"""The app's objects that live as long as it does are kept out of the garbage collector's full passes.

Once an area is drawn, its screen, widgets, styles and the modules it imported stay for the whole session. Python's
collector still walked all of them on every full (oldest generation) pass, and such a pass, triggered by the
allocations of the next area's first visit, took longer than the visit itself (about 150,000 objects after two
areas). ``settle()`` moves every object that exists now to the collector's permanent generation (``gc.freeze``), so
later passes look only at what was made since; ``release()`` (the app leaving) hands them back, so an app run inside
a longer process (tests) leaves nothing uncollectable behind.

Before that, ``cio-tui`` starts with the collector paused (``pause_collection``): importing Textual and the first area
and building, styling and drawing its widgets allocate so much that the collector ran pass after pass over objects
that all stay, about a fifth of the CPU time to the first area drawn. ``settle()`` resumes it: the few thousand
objects left unreachable meanwhile are frozen with the rest.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collection() -> None:
    """No collection until the first area is drawn (``settle``) or the app leaves; a collector the process has
    turned off itself stays off."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """Collect again, if ``pause_collection`` paused it."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def settle() -> None:
    """Everything alive now is long-lived: later full collections skip it (and a paused collector resumes)."""
    gc.freeze()
    resume_collection()


def release() -> None:
    """Give the settled objects back to the collector (the app is leaving)."""
    gc.unfreeze()
    resume_collection()


__all__ = ["pause_collection", "release", "resume_collection", "settle"]
