"""Progress for the live leads search: the search itself is the engine's (``identity.leads.find_leads``)."""

from __future__ import annotations

from typing import Any

from cio_tui.customerio.contract import CioClient


class CountingClient:
    """The workspace client, reporting how many people the leads search has yielded so far (every 100)."""

    def __init__(self, client: CioClient, report: Any, every: int = 100) -> None:
        self._client, self._report, self._every = client, report, every

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def iter_search(self, audience: dict[str, Any], **kw: Any) -> Any:
        async def counted() -> Any:
            count = 0
            async for ref in self._client.iter_search(audience, **kw):
                count += 1
                if count % self._every == 0:
                    self._report(count)
                yield ref

        return counted()
