"""The app's objects that live as long as it does are kept out of the garbage collector's full passes.

Once an area is drawn, its screen, widgets, styles and the modules it imported stay for the whole session. Python's
collector still walked all of them on every full (oldest generation) pass, and such a pass, triggered by the
allocations of the next area's first visit, took longer than the visit itself (about 150,000 objects after two
areas). ``settle()`` moves every object that exists now to the collector's permanent generation (``gc.freeze``), so
later passes look only at what was made since; ``release()`` (the app leaving) hands them back, so an app run inside
a longer process (tests) leaves nothing uncollectable behind.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Everything alive now is long-lived: later full collections skip it."""
    gc.freeze()


def release() -> None:
    """Give the settled objects back to the collector (the app is leaving)."""
    gc.unfreeze()


__all__ = ["release", "settle"]
