"""Waits the operator can see: what is happening at once, and over ~2 s how far along it is and about how long is left.

- ``Busy(label, text)`` puts the words on a status label right away; ``await busy.shown()`` waits until they are
  drawn, so CPU-heavy work that follows on the event loop (reading 10,000 people from the sandbox, loading a big
  table) never runs before the operator sees that something started;
- ``busy.progress(done, total)`` rewrites the label as "… 3,400 of 10,000 (34%), about 6 s left", at most a few
  times a second, once the wait is over ``SHOW_PROGRESS_AFTER`` seconds;
- ``ProgressClient`` wraps a workspace client and reports its bulk reads (``get_people`` in chunks of 100 and the
  people a search yields), so an engine check that knows nothing of the screen still shows progress.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from textual.widget import Widget

if TYPE_CHECKING:
    from cio_tui.customerio.contract import CioClient
    from cio_tui.customerio.identifiers import Identifier
    from cio_tui.customerio.models import Person, PersonRef

SHOW_PROGRESS_AFTER = 2.0  # seconds
REDRAW_EVERY = 0.25  # seconds between two progress texts
READ_CHUNK = 100  # people per bulk read the wrapper reports


def progress_words(text: str, done: int, total: int | None, elapsed: float) -> str:
    """ "Checking… 3,400 of 10,000 (34%), about 6 s left" (no ETA before a tenth is done or without a total)."""
    if not total:
        return f"{text} {done:,} so far ({elapsed:.0f} s)"
    share = min(1.0, done / total)
    words = f"{text} {done:,} of {total:,} ({share:.0%})"
    if share >= 0.1 and share < 1.0:
        left = elapsed * (1 - share) / share
        if left >= 0.5:  # "about 0 s left" says nothing
            words += f", about {left:.0f} s left"
    return words


class Busy:
    """The status of one wait, shown on ``label`` (any widget with ``update``)."""

    def __init__(
        self, label: Widget, text: str, *, clock: Callable[[], float] = time.monotonic, after: float | None = None
    ) -> None:
        """``after``: seconds before the count is shown (``SHOW_PROGRESS_AFTER``; 0 when the wait has already been
        long, as the second phase of opening a big plan)."""
        self.label, self.text, self._clock, self._after = label, text, clock, after
        self.started = clock()
        self._drawn_at = 0.0
        self._update(text)

    def _update(self, words: str) -> None:
        update = getattr(self.label, "update", None)
        if callable(update):
            update(words)

    async def shown(self) -> None:
        """Wait until the label has been drawn (one refresh of the screen)."""
        drawn = asyncio.Event()
        self.label.call_after_refresh(drawn.set)
        try:
            await asyncio.wait_for(drawn.wait(), timeout=1.0)
        except TimeoutError:  # never hold the work up for the sake of the words
            pass

    def progress(self, done: int, total: int | None) -> None:
        now = self._clock()
        elapsed = now - self.started
        after = SHOW_PROGRESS_AFTER if self._after is None else self._after
        finished = total is not None and done >= total  # the last count is always drawn (never left at 97%)
        if elapsed < after or (now - self._drawn_at < REDRAW_EVERY and not finished):
            return
        self._drawn_at = now
        self._update(progress_words(self.text, done, total, elapsed))


class ProgressClient:
    """A workspace client whose bulk reads report ``report(done, total)``; everything else passes through."""

    def __init__(self, client: CioClient, report: Callable[[int, int | None], None]) -> None:
        self._client, self._report = client, report

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def get_people(self, identifiers: list[Identifier]) -> list[Person]:
        found: list[Person] = []
        unique = list({(getattr(i, "kind", None), getattr(i, "value", i)): i for i in identifiers}.values())
        total = len(unique)
        for start in range(0, total, READ_CHUNK):
            found.extend(await self._client.get_people(unique[start : start + READ_CHUNK]))
            self._report(min(start + READ_CHUNK, total), total)
            await asyncio.sleep(0)  # let the screen redraw between chunks
        return found

    def iter_search(self, audience: dict[str, Any], *, limit: int | None = None) -> AsyncIterator[PersonRef]:
        refs = self._client.iter_search(audience) if limit is None else self._client.iter_search(audience, limit=limit)

        async def counted() -> AsyncIterator[PersonRef]:
            count = 0
            async for ref in refs:
                count += 1
                if count % READ_CHUNK == 0:
                    self._report(count, None)
                yield ref

        return counted()


__all__ = ["Busy", "ProgressClient", "progress_words"]
