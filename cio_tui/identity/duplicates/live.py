"""``--live``: ask Customer.io for a people export, wait for it, download it, then analyse it like any export.

Uses the client's ``start_export`` / ``get_export`` / ``download_export`` (App API). The file is kept under the
workspace's data folder so a later run can reuse it with ``--from-export``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cio_tui.customerio.contract import CioClient
from cio_tui.errors import UserError
from cio_tui.identity.duplicates.export import is_gzip

# Everyone has an id or an email (a person without either cannot exist).
EVERYONE = {
    "or": [
        {"attribute": {"field": "id", "operator": "exists"}},
        {"attribute": {"field": "email", "operator": "exists"}},
    ]
}

Progress = Callable[[str, float], None]


class LiveExportError(UserError, RuntimeError):
    """The export failed or took too long; the message says what to do."""

    exit_code = 1  # a user error for the CLI


async def fetch_live_export(
    client: CioClient,
    folder: str | Path,
    *,
    progress: Progress | None = None,
    timeout: float = 3600.0,
    first_poll: float = 1.0,
    max_poll: float = 15.0,
    filters: dict[str, Any] | None = None,
    prefix: str = "people-export",
) -> Path:
    """Start a people export (every attribute), poll it with back-off, download it into ``folder``; returns the path.

    ``progress(stage, fraction)`` is called at each step (fraction 0..1; the wait has no known length, so it
    creeps towards 0.8 while pending).
    """
    report = progress or (lambda _stage, _fraction: None)
    report("starting a people export", 0.0)
    info = await client.start_export(filters or EVERYONE)
    started = time.monotonic()
    delay = first_poll
    while info.status == "pending":
        waited = time.monotonic() - started
        if waited > timeout:
            raise LiveExportError(
                f"export {info.id} is still pending after {waited:.0f} s; run again later with "
                "--from-export once you have downloaded it from Customer.io (Data & Integrations > Exports)"
            )
        report(f"export {info.id} pending ({waited:.0f} s)", min(0.8, 0.05 + waited / (waited + 60)))
        await asyncio.sleep(delay)
        delay = min(max_poll, delay * 2)
        info = await client.get_export(info.id)
    if info.status == "failed" or info.failed:
        raise LiveExportError(f"Customer.io reports export {info.id} as failed; start it again or export from the UI")
    report(f"downloading export {info.id} ({info.total} people)", 0.85)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{prefix}-{info.id}.csv"
    await client.download_export(info.id, dest)
    if is_gzip(dest):  # the file format is not documented: accept a gzip-compressed CSV too
        gz = dest.with_name(dest.name + ".gz")
        dest.replace(gz)
        dest = gz
    report(f"downloaded {dest.name}", 1.0)
    return dest


__all__ = ["EVERYONE", "LiveExportError", "fetch_live_export"]
