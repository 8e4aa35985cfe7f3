"""Step 4's rehearsal on real traffic: replay a traffic file from the workspace's own people, keep the report.

The starting people are a people export the operator gives, else the open workspace's people through a people
export (as the audit's live mode does; read-only). The replay itself is CPU work: the caller runs ``rehearse`` in a
thread and gets progress through ``progress``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.walkthrough.models import RehearsalExample, RehearsalRecord

if TYPE_CHECKING:
    from cio_tui.segment.replay.run import ReplayResult
    from cio_tui.segment.subscriptions import SubscriptionSet

REHEARSALS = "rehearsals"


async def starting_people(workspace: WorkspaceView, export: Path | None, work_dir: Path) -> list[Any]:
    """The people both copies start from: the given export, else a people export of the workspace."""
    from cio_tui.segment.replay import read_people_export

    if export is None:
        from cio_tui.identity.duplicates.live import fetch_live_export

        work_dir.mkdir(parents=True, exist_ok=True)
        export = await fetch_live_export(workspace.client, work_dir)
    people, _problems = read_people_export(export)
    return people


def rehearse(
    traffic: Path,
    people: list[Any],
    *,
    data_dir: Path,
    now: datetime,
    settings: dict[str, Any] | None = None,
    subscriptions: SubscriptionSet | None = None,
    progress: Callable[[Any], None] | None = None,
) -> RehearsalRecord:
    """Replay ``traffic`` from ``people`` (with the operator's ``subscriptions``, else the default presets); writes
    the Markdown report under ``data_dir/rehearsals``."""
    from cio_tui.model import WorkspaceSettings
    from cio_tui.segment.replay import replay, replay_markdown

    known = {k: v for k, v in (settings or {}).items() if k in ("mode", "auto_merge", "email_update_by_id")}
    result = replay(
        traffic, people, subscriptions=subscriptions, settings=WorkspaceSettings(**known), progress=progress
    )
    folder = data_dir / REHEARSALS
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"rehearsal-{now:%Y%m%d-%H%M%S}.md"
    report.write_text(replay_markdown(result), encoding="utf-8")
    return RehearsalRecord(
        traffic=str(traffic),
        taken_at=now,
        calls=result.calls,
        malformed=result.malformed_count,
        people_differing=result.people_differing,
        kinds={k.kind: k.count for k in result.kinds},
        starting_people=result.starting_people,
        mappings=result.mappings,
        report_path=str(report),
        examples=examples_of(result, traffic),
    )


def examples_of(result: ReplayResult, traffic: Path, per_kind: int = 2) -> list[RehearsalExample]:
    """A few people per kind, each with what People looks them up by and the traffic line that did it."""
    out: list[RehearsalExample] = []
    folder = traffic if traffic.is_dir() else traffic.parent
    for kind in result.kinds:
        for example in kind.examples[:per_kind]:
            person = example.get("person") or {}
            starter = person.get("cio_id") if "created_under" not in person else None
            lookup = f"cio_{starter}" if starter else (person.get("id") or person.get("email"))
            names = [f"{k} {person[k]}" for k in ("cio_id", "id", "email") if person.get(k)]
            file = result.files[example["source"]] if "source" in example else None
            out.append(RehearsalExample(
                kind=kind.kind, who=", ".join(names) or "a person without id or email", lookup=lookup,
                line=example.get("line"), file=str(folder / file) if file else None,
            ))  # fmt: skip
    return out
