"""What ``cio-tui sandbox info`` reports about a workspace file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cio_tui.sandbox.credentials import APP_KEY, SITE_ID, TRACK_KEY
from cio_tui.sandbox.store import Store


def workspace_info(path: Path) -> dict[str, Any]:
    info: dict[str, Any] = {"database": str(path), "exists": path.exists()}
    if path.exists():
        store = Store(path)
        try:
            with store.lock:
                seeded = json.loads(store.get_meta("seeded") or "null")
                db = store.db
                info.update(
                    people=store.count_people(),
                    leads=db.execute("SELECT count(*) FROM people WHERE id IS NULL").fetchone()[0],
                    suppressed=store.count_suppressed(),
                    activities=db.execute("SELECT count(*) FROM activities").fetchone()[0],
                    exports=db.execute("SELECT count(*) FROM exports").fetchone()[0],
                    mode=store.get_meta("mode") or "email_or_id",
                    auto_merge=(store.get_meta("auto_merge") or "1") == "1",
                    email_update_by_id=(store.get_meta("email_update_by_id") or "0") == "1",
                    phone_identifiers=(store.get_meta("phone_identifiers") or "0") == "1",
                    anonymous_merge=(store.get_meta("anonymous_merge") or "1") == "1",
                    ignore_older_updates=(store.get_meta("ignore_older_updates") or "1") == "1",
                    generated_people=seeded.get("people") if seeded else None,
                    seed=seeded.get("seed") if seeded else None,
                    size_bytes=path.stat().st_size,
                )
        finally:
            store.close()
    info.update(site_id=SITE_ID, track_key=TRACK_KEY, app_key=APP_KEY)
    return info
