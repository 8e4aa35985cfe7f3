"""The app's objects that live as long as it does are kept out of the garbage collector's full passes.

Once an area is drawn, its screen, widgets, styles and the modules it imported stay for the whole session. Python's
collector still walked all of them on every full (oldest generation) pass, and such a pass, triggered by the
allocations of the next area's first visit, took longer than the visit itself (about 150,000 objects after two
areas). ``settle()`` moves every object that exists now to the collector's permanent generation (``gc.freeze``), so
later passes look only at what was made since; ``release()`` (the app leaving) hands them back, so an app run inside
a longer process (tests) leaves nothing uncollectable behind.

Before that, ``cio-tui`` starts with the collector paused (``pause_collection``): importing Textual and the first area
and building, styling and drawing its widgets allocate so much that the collector ran pass after pass over objects
that all stay, about a fifth of the CPU time to the first area drawn. ``settle()`` resumes it, after a collection
of the young generations so that what became unreachable meanwhile is freed rather than frozen. The first area may
never say it is drawn (the Walkthrough with no workspace open, a workspace that fails or takes long to open, an
unreadable state file): the app resumes collection ``RESUME_AFTER`` seconds after its first frame whatever happens.
"""

from __future__ import annotations

import gc

_paused = False

RESUME_AFTER = 2.0
"""Seconds after the app's first frame by which collection runs again, even when no area said it is drawn."""


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
    """Everything alive now is long-lived: later full collections skip it (and a paused collector resumes).

    Garbage made since the last collection (the start's, while paused; a previous area's removed widgets) is
    collected first, so that it is not frozen for the session. Only the two young generations: a full pass walks
    every object not frozen yet, 18 ms CPU at the first area's settle and 41 ms at the second's (95,000 objects),
    where ``collect(1)`` takes 6 ms at the first (everything made while paused is young) and under 1.5 ms at each
    later one, and frees the same garbage at the first (about 1,400 objects; what survived two collections is old
    and was either collected or frozen by an earlier settle).
    """
    if gc.isenabled() or _paused:  # a collector the process turned off itself is left alone
        gc.collect(1)
    gc.freeze()
    resume_collection()


def release() -> None:
    """Give the settled objects back to the collector (the app is leaving)."""
    gc.unfreeze()
    resume_collection()


__all__ = ["RESUME_AFTER", "pause_collection", "release", "resume_collection", "settle"]
