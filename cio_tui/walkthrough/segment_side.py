"""The prepare, cut-over and verify steps on Segment's side, through the Public API: read the destinations, plan and
apply the cut-over or the rollback, verify deliveries. The TUI panels and the ``walkthrough`` commands call this; it
never raises for the three access problems (no token / a token without access, no Public API on the plan, subscriptions
not enabled): it returns them, so that the step falls back to its manual checklist and says what to ask Segment for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cio_tui.cutover.access import AccessProblem, access_problem
from cio_tui.cutover.apply import SegmentApplyEngine, SegmentApplyResult
from cio_tui.cutover.plan import SegmentPlan, save_segment_plan
from cio_tui.cutover.planner import plan_cutover, plan_rollback
from cio_tui.cutover.review import review_lines
from cio_tui.cutover.status import SegmentStatus, read_status
from cio_tui.cutover.verify import CutoverVerifyResult
from cio_tui.identity.journal import Journal
from cio_tui.identity.journal_records import OpState
from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.segment_api.client import SegmentClient
from cio_tui.walkthrough.verify import verify_switch


@dataclass
class SegmentView:
    """What a step shows: the status, or the access problem that sends the operator to the checklist."""

    status: SegmentStatus | None = None
    problem: AccessProblem | None = None
    plan: SegmentPlan | None = None
    plan_path: Path | None = None
    applied: SegmentApplyResult | None = None
    verified: CutoverVerifyResult | None = None
    op_states: dict[str, OpState] = field(default_factory=dict)  # after an apply: each operation's, from the journal
    notes: list[str] = field(default_factory=list)

    def lines(self, *, requests: bool = False) -> list[str]:
        """What the step shows: the result first, then the plan (without raw requests unless asked)."""
        if self.problem is not None:
            return [*self.problem.lines(), "The checklist of this step stays the way to do it by hand."]
        out: list[str] = []
        if self.applied is not None:
            out += [*self.applied.summary_lines(), ""]
        if self.verified is not None:
            out += [*self.verified.lines(), ""]
        if self.status is not None:
            out += [*self.status.lines(), ""]
        if self.plan is not None:
            out += review_lines(self.plan, requests=requests)
            if self.plan_path:
                out.append(f"(saved as {self.plan_path}; `cio-tui apply {self.plan_path}` applies it too)")
        return [*out, *self.notes]


def cutover_time(workspace: WorkspaceView) -> datetime | None:
    """When the switch happened: the cut-over time recorded in the cut-over step, else when the last Segment cut-over
    plan applied here finished (from the journal), else None."""
    try:
        from cio_tui.walkthrough.service import WalkthroughService

        recorded = WalkthroughService(workspace).load().cutover.cutover_at
    except Exception:  # noqa: BLE001 - an unreadable walkthrough state only loses the recorded time
        recorded = None
    if recorded is not None:
        return recorded
    with Journal.for_workspace(workspace) as journal:
        ends = [p.last_at for p in journal.plans() if p.source == "segment-cutover" and p.complete and p.last_at]
    if not ends:
        return None
    return max(ends).replace(microsecond=0)


class SegmentSide:
    def __init__(
        self,
        workspace: WorkspaceView,
        open_client: Callable[[], SegmentClient],
        *,
        saved_calls: Callable[[], list[Any] | None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.workspace = workspace
        self._open = open_client
        self._calls = saved_calls or (lambda: None)
        self._now = now

    async def _with_client(self, work: Callable[[SegmentClient], Awaitable[SegmentView]]) -> SegmentView:
        try:
            client = self._open()
        except Exception as exc:  # noqa: BLE001 - an access problem is an answer, anything else is re-raised
            problem = access_problem(exc)
            if problem is None:
                raise
            return SegmentView(problem=problem)
        try:
            return await work(client)
        except Exception as exc:  # noqa: BLE001 - as above
            problem = access_problem(exc)
            if problem is None:
                raise
            return SegmentView(problem=problem)
        finally:
            await client.aclose()

    async def read(self) -> SegmentView:
        async def work(client: SegmentClient) -> SegmentView:
            return SegmentView(status=await read_status(client, self.workspace.profile.site_id))

        return await self._with_client(work)

    async def plan(
        self, kind: str, *, method: str = "one-step", at: datetime | None = None, skip: tuple[str, ...] = ()
    ) -> SegmentView:
        """Make (and save under the workspace's ``plans`` folder) the ``prepare``, ``cutover`` or ``rollback`` plan."""
        ws = self.workspace
        common: dict[str, Any] = {
            "site_id": ws.profile.site_id,
            "workspace_fingerprint": ws.fingerprint,
            "workspace_name": ws.name,
        }

        async def work(client: SegmentClient) -> SegmentView:
            if kind == "rollback":
                plan = await plan_rollback(client, **common)
            else:  # "prepare": the disabled Actions destination, its mappings and filters; "cutover": and the switch
                plan = await plan_cutover(
                    client, method=method, at=at, skip=skip, calls=self._calls(), switch=kind != "prepare", **common
                )
            folder = Path(ws.data_dir) / "plans"
            folder.mkdir(parents=True, exist_ok=True)
            path = save_segment_plan(plan, folder / f"segment-{kind}-{plan.plan_id}.json", key=ws.plan_key())
            return SegmentView(plan=plan, plan_path=path)

        return await self._with_client(work)

    async def apply(self, plan: SegmentPlan) -> SegmentView:
        async def work(client: SegmentClient) -> SegmentView:
            with Journal.for_workspace(self.workspace) as journal:
                result = await SegmentApplyEngine(client, journal, plan).run()
                states = journal.op_states(plan.plan_id)  # what was done, as recorded (not what was planned)
            return SegmentView(
                plan=plan,
                applied=result,
                status=await read_status(client, self.workspace.profile.site_id),
                op_states=states,
            )

        return await self._with_client(work)

    async def verify(self, since: datetime | None, *, sample: int = 20) -> SegmentView:
        async def work(client: SegmentClient) -> SegmentView:
            now = self._now()
            start = since or cutover_time(self.workspace)
            result = await verify_switch(
                client, self.workspace.client, self.workspace.profile.site_id, since=start, now=now, sample=sample
            )
            return SegmentView(verified=result)

        return await self._with_client(work)


__all__ = ["SegmentSide", "SegmentView"]
