"""The preview step's rehearsal on real traffic: replay a traffic file from the workspace's own people, keep the report.

The mappings are the operator's subscriptions file when one is given (checked: every problem names the
subscription and the field), else the Actions destination's subscriptions read live from Segment, else the default
presets; the report says which. The starting people are a people export the operator gives, else only the people
the traffic names, read from the open workspace (``read_named_people``: App API reads, 100 people per read;
nothing is written). The replay itself is CPU work: the caller runs ``rehearse`` in a thread and gets progress
through ``progress``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cio_tui.errors import UserError
from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.model import Person
from cio_tui.segment.subscriptions import SubscriptionsError, SubscriptionSet, read_subscriptions
from cio_tui.walkthrough.models import RehearsalExample, RehearsalRecord
from cio_tui.walkthrough.steps import step_by_key

if TYPE_CHECKING:
    from cio_tui.identity.traffic_people import ReadingProgress
    from cio_tui.segment.replay.named import NamingProgress
    from cio_tui.segment.replay.run import ReplayResult

REHEARSALS = "rehearsals"
SHOWN_PROBLEMS = 5


class RehearsalInputError(UserError, ValueError):
    """A subscriptions file or a people export the rehearsal cannot use; the message says why and where."""


@dataclass(frozen=True)
class Mappings:
    """The Actions mappings a rehearsal uses (None: the default presets) and how the report names them."""

    subscriptions: SubscriptionSet | None
    source: str  # e.g. "your subscriptions from subs.json", "default presets"

    def label(self) -> str:
        if self.subscriptions is None:
            return self.source
        return f"{self.source}: {self.subscriptions.summary()}"


PRESETS = Mappings(None, "default presets")


def subscriptions_file(path: Path) -> Mappings:
    """The operator's subscriptions (the Public API's JSON) from ``path``; every problem names the subscription
    and the field, as ``cio-tui preview --subscriptions`` says them."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RehearsalInputError(f"no such subscriptions file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RehearsalInputError(f"cannot read the subscriptions file {path}: {exc}") from None
    try:
        subscriptions = read_subscriptions(text)
    except SubscriptionsError as exc:
        shown = "; ".join(exc.problems[:SHOWN_PROBLEMS])
        more = f" (and {len(exc.problems) - SHOWN_PROBLEMS} more)" if len(exc.problems) > SHOWN_PROBLEMS else ""
        raise RehearsalInputError(f"cannot use the subscriptions in {path.name}: {shown}{more}") from None
    return Mappings(subscriptions, f"your subscriptions from {path.name}")


@dataclass(frozen=True)
class StartingPeople:
    people: list[Person]
    source: str  # where they come from, for the report
    notes: tuple[str, ...] = ()


async def starting_people(
    workspace: WorkspaceView,
    export: Path | None,
    traffic: Path,
    *,
    subscriptions: SubscriptionSet | None = None,
    emails_identify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> StartingPeople:
    """The people both copies start from: the given export, else the people the traffic names, read from the
    workspace (a first pass over the traffic in a thread, then App API reads). ``progress`` gets one line each
    time there is news (from the pass's thread too: the caller marshals it)."""
    if export is not None:
        from cio_tui.segment.replay import read_people_export
        from cio_tui.segment.replay.people import PeopleExportError

        try:
            people, _problems = await asyncio.to_thread(read_people_export, export)
        except PeopleExportError as exc:
            raise RehearsalInputError(str(exc)) from None
        return StartingPeople(people, f"the people export {export.name}")
    from cio_tui.identity.traffic_people import read_named_people
    from cio_tui.segment.replay.named import names_in_traffic

    def say(item: NamingProgress | ReadingProgress) -> None:
        if progress is not None:
            progress(item.line())

    named = await asyncio.to_thread(names_in_traffic, traffic, subscriptions=subscriptions, progress=say)
    read = await read_named_people(workspace.client, named, emails_identify=emails_identify, progress=say)
    source = f"the people the traffic names, read from the workspace ({named.describe()})"
    return StartingPeople(read.people, source, tuple(read.notes))


def model_settings(settings: dict[str, Any] | None) -> Any:
    """The model's workspace settings from the ones the workspace reports (the sandbox's own; else defaults)."""
    from cio_tui.model import WorkspaceSettings

    known = {k: v for k, v in (settings or {}).items() if k in ("mode", "auto_merge", "email_update_by_id")}
    return WorkspaceSettings(**known)


def rehearse(
    traffic: Path,
    people: list[Person],
    *,
    data_dir: Path,
    now: datetime,
    settings: dict[str, Any] | None = None,
    mappings: Mappings = PRESETS,
    starting_from: str = "",
    progress: Callable[[Any], None] | None = None,
) -> RehearsalRecord:
    """Replay ``traffic`` from ``people`` (with the operator's ``mappings``, else the default presets); writes
    the Markdown report under ``data_dir/rehearsals``, naming the mappings and where the people came from."""
    from cio_tui.segment.replay import replay, replay_markdown

    result = replay(
        traffic, people, subscriptions=mappings.subscriptions, settings=model_settings(settings), progress=progress
    )
    result.mappings = mappings.label()
    result.starting_from = starting_from
    folder = data_dir / REHEARSALS
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"rehearsal-{now:%Y%m%d-%H%M%S}.md"
    report.write_text(replay_markdown(result, rehearsal_step=step_by_key("preview").number), encoding="utf-8")
    return RehearsalRecord(
        traffic=str(traffic),
        taken_at=now,
        calls=result.calls,
        malformed=result.malformed_count,
        people_differing=result.people_differing,
        kinds={k.kind: k.count for k in result.kinds},
        starting_people=result.starting_people,
        starting_from=starting_from,
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
                created_under=person.get("created_under"),
            ))  # fmt: skip
    return out
