"""Preview of N pasted calls with outcomes (the engine on a what-if copy, people read from the embedded sandbox)
beside the same preview with --offline (the payload preview alone), in one run. Target: the what-if costs at most
3x the offline preview.

Both sides run what ``cio-tui preview --json`` runs: parse, both destinations, diff, warnings, JSON; the outcome
side adds the reads (App API over the embedded sandbox, through the real client) and the engine.

Run (from the repository root): PYTHONPATH=. python bench/bench_preview.py [--calls 1000] [--people 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from cio_tui.customerio.client import CustomerIOClient
from cio_tui.identity.lookup import ClientPeopleLookup
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.sandbox.store import Store
from cio_tui.segment import preview_text, results_json, with_outcomes


def paste(n: int, known: list[tuple[str | None, str | None]], seed: int = 1) -> str:
    """N analytics.js-style calls: identifies, tracks, pages of known people (70%) and new ones."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        if known and rng.random() < 0.7:
            pid, email = rng.choice(known)
        else:
            pid, email = f"bench-new-{i}", f"bench-new-{i}@example.com"
        who = pid or ""
        kind = rng.random()
        if kind < 0.5:
            traits = {"plan": rng.choice(["free", "pro"]), "seen": i}
            if email:
                traits["email"] = email
            lines.append(
                json.dumps({"type": "identify", "userId": who or None, "anonymousId": f"anon-{i}", "traits": traits})
            )
        elif kind < 0.85:
            lines.append(
                json.dumps(
                    {
                        "type": "track",
                        "userId": who or None,
                        "anonymousId": f"anon-{i}",
                        "event": "Order Completed",
                        "properties": {"total": i},
                        "messageId": f"m{i}",
                    }
                )
            )
        else:
            lines.append(
                json.dumps(
                    {
                        "type": "page",
                        "userId": who or None,
                        "anonymousId": f"anon-{i}",
                        "name": "Pricing",
                        "properties": {"url": "https://x.io/pricing"},
                    }
                )
            )
    return "\n".join(lines)


def offline(text: str) -> float:
    start = time.perf_counter()
    results = preview_text(text)
    json.dumps(results_json(results))
    return time.perf_counter() - start


async def with_whatif(text: str, db: Path) -> tuple[float, int]:
    client = CustomerIOClient(
        track_origin=SANDBOX_ORIGIN,
        app_origin=SANDBOX_ORIGIN,
        site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY),
        app_key=SecretStr(SANDBOX_APP_KEY),
        transport=embedded_transport(db),
        track_rps=1000,
        app_rps=1000,
    )
    try:
        start = time.perf_counter()
        results = preview_text(text)
        await with_outcomes(results, ClientPeopleLookup(client))
        json.dumps(results_json(results))
        elapsed = time.perf_counter() - start
    finally:
        await client.aclose()
    return elapsed, sum(len(r.outcome.effects) for r in results if r.outcome)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        embedded_transport(db, people=args.people, seed=7)  # seeds the workspace once
        store = Store(db)
        known = [(p.id, p.email) for p in store.iter_people()][: max(1, args.people // 2)]
        store.close()
        text = paste(args.calls, known)
        offline(text)  # warm-up: lazy imports and first-use caches are not what is measured
        asyncio.run(with_whatif(text, db))
        off, on, effects = [], [], 0
        for _ in range(args.repeat):  # alternated, so a busy machine slows both sides alike
            off.append(offline(text))
            elapsed, effects = asyncio.run(with_whatif(text, db))
            on.append(elapsed)
    best_off, best_on = min(off), min(on)
    print(f"preview of {args.calls} pasted calls ({args.people} people in the sandbox), best of {args.repeat}:")
    print(
        f"  --offline (payload preview alone)     {best_off * 1000:8.1f} ms   "
        f"(median {statistics.median(off) * 1000:.1f})"
    )
    print(
        f"  with outcomes (what-if on sandbox)    {best_on * 1000:8.1f} ms   "
        f"(median {statistics.median(on) * 1000:.1f}), {effects} effects"
    )
    ratio = best_on / best_off if best_off else float("inf")
    print(
        f"  ratio what-if / offline               {ratio:8.2f}x   (target: at most 3x) "
        f"{'OK' if ratio <= 3 else 'OVER TARGET'}"
    )


if __name__ == "__main__":
    main()
