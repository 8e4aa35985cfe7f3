"""Apply a Segment plan: the only code that sends Segment Public API writes.

Operations run in order, one at a time (they depend on each other and the subscription endpoints allow 5 requests a
minute). For each operation not yet done:
1. its expectations are checked against the destinations as read now; one that no longer holds refuses the rest of
   the plan (stale: make the plan again), nothing is forced;
2. what it would create (or the state it sets) is looked for first: when it is already there, the operation is done
   without sending, so a re-run, a resume after a kill, or a lost answer never creates anything twice;
3. the intent (state ``sent``, with the planned request) is committed to the journal, then the request is sent with
   its placeholders resolved (ids of objects earlier operations created; the classic API key read live and checked
   against the digest the plan recorded);
4. the answer is journaled (``done``, with the created id). A write whose answer was lost is ``uncertain`` and is
   reconciled by reading, never resent blindly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cio_tui.cutover.plan import REF, Expect, SegmentOperation, SegmentPlan, digest
from cio_tui.identity.journal import Journal, OpState
from cio_tui.identity.plan import PlanError
from cio_tui.redaction import register_secret
from cio_tui.segment_api.client import SegmentClient
from cio_tui.segment_api.errors import (
    SegmentApiError,
    SegmentAuthError,
    SegmentNotFoundError,
    SegmentPermissionError,
    SegmentUncertainWriteError,
)
from cio_tui.segment_api.models import Destination


class StalePlanError(PlanError):
    """The Segment workspace changed since the plan was made."""


@dataclass
class SegmentApplyResult:
    plan_id: str
    total: int
    done: int = 0
    already: int = 0
    sent: int = 0
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (op_id, state, detail)

    @property
    def ok(self) -> bool:
        return not self.problems and self.done == self.total

    def summary_lines(self) -> list[str]:
        lines = [
            f"{self.done} of {self.total} Segment operation(s) done ({self.sent} sent now, {self.already} "
            "found already in place)"
        ]
        lines += [f"  {op} {state}: {detail}" for op, state, detail in self.problems]
        return lines


class SegmentApplyEngine:
    def __init__(
        self,
        client: SegmentClient,
        journal: Journal,
        plan: SegmentPlan,
        *,
        on_line: Callable[[str], None] | None = None,
    ) -> None:
        self.client, self.journal, self.plan = client, journal, plan
        self._say = on_line or (lambda _line: None)
        self._ids: dict[str, str] = {}  # op_id -> id of the object it created
        self._dest_cache: dict[str, Destination] = {}
        self._subs: dict[str, list[dict[str, Any]]] = {}  # destination id -> its subscriptions as last read

    # -- reading -----------------------------------------------------------------------------------------
    async def _destination(self, dest_id: str) -> Destination | None:
        try:
            return await self.client.get_destination(dest_id)
        except SegmentNotFoundError:
            return None

    def _resolve(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in self._ids:
                raise PlanError(f"{m.group(1)} has not created its object yet; apply the plan from the start")
            return self._ids[m.group(1)]

        return REF.sub(sub, text)

    async def _found(self, op: SegmentOperation) -> str | None:
        """The id of what ``op`` leaves behind when it is already there (``""`` for a state), else None."""
        f = op.find
        parent = self._resolve(f.destination) if f.destination else None
        if f.object == "destination" and f.enabled is not None:
            assert parent is not None
            d = await self._destination(parent)
            return "" if d is not None and d.enabled == f.enabled else None
        if f.object == "destination":
            for d in await self.client.list_destinations():
                fields = {"sourceId": d.source_id, "metadataId": d.metadata.id, "name": d.name}
                if all(fields.get(k) == v for k, v in f.match.items()):
                    return d.id
            return None
        assert parent is not None
        if f.object == "subscription":
            # read once per run and kept up to date by the creates below: these endpoints allow 5 requests a minute
            if parent not in self._subs:
                self._subs[parent] = [
                    {"id": s.id, "actionId": s.action_id, "name": s.name}
                    for s in await self.client.list_subscriptions(parent)
                ]
            items = self._subs[parent]
        else:
            items = [{"id": x.id, "title": x.title} for x in await self.client.list_filters(parent)]
        hit = next((i for i in items if all(i.get(k) == v for k, v in f.match.items())), None)
        if f.absent:
            return "" if hit is None else None
        return hit["id"] if hit else None

    async def _stale(self, expect: Expect) -> list[str]:
        d = await self._destination(expect.destination_id)
        if d is None:
            return [f"the {expect.label} no longer exists"]
        self._dest_cache[d.id] = d
        out: list[str] = []
        if expect.enabled is not None and d.enabled != expect.enabled:
            out.append(
                f"the {expect.label} is {'enabled' if d.enabled else 'disabled'}, the plan expects it "
                f"{'enabled' if expect.enabled else 'disabled'}"
            )
        if expect.settings_digest is not None and digest(d.settings) != expect.settings_digest:
            out.append(f"the settings of the {expect.label} changed since planning")
        if expect.filters:
            have = {f.id: f for f in await self.client.list_filters(d.id)}
            for fid, want in expect.filters.items():
                f = have.get(fid)
                body = (
                    None
                    if f is None
                    else {
                        "sourceId": f.source_id,
                        "if": f.if_,
                        "actions": [a.body() for a in f.actions],
                        "title": f.title,
                        "enabled": f.enabled,
                        **({"description": f.description} if f.description else {}),
                    }
                )
                if body is None or digest(body) != want:
                    out.append(f"a filter of the {expect.label} was changed or removed since planning ({fid})")
        return out

    async def _secret(self, ref: dict[str, Any]) -> str:
        if ref.get("$secret") != "classic.apiKey":
            raise PlanError(f"unknown secret reference {ref.get('$secret')!r} in the plan")
        d = self._dest_cache.get(self.plan.classic_destination_id) or await self._destination(
            self.plan.classic_destination_id
        )
        value = None if d is None else d.settings.get("apiKey")
        if not isinstance(value, str) or digest(value) != ref.get("sha256"):
            raise StalePlanError(
                "the classic destination's API key is not the one the plan was made with: make the plan again"
            )
        register_secret(value)
        return value

    async def _filled(self, body: dict[str, Any] | None) -> dict[str, Any] | None:
        """The planned body with each ``{"$secret": ...}`` reference in it replaced by the secret it names."""
        if body is None:
            return None
        return {k: await self._body(v) for k, v in body.items()}

    async def _body(self, body: object) -> object:
        if isinstance(body, dict):
            if "$secret" in body:
                return await self._secret(body)
            return {k: await self._body(v) for k, v in body.items()}
        if isinstance(body, list):
            return [await self._body(v) for v in body]
        return body

    # -- the run -------------------------------------------------------------------------------------------
    async def run(self) -> SegmentApplyResult:
        plan = self.plan
        result = SegmentApplyResult(plan.plan_id, len(plan.operations))
        with self.journal.apply_lock():
            self.journal.register_plan(plan)
            states = self.journal.op_states(plan.plan_id)
            pending = [op for op in plan.operations if not states.get(op.op_id, OpState.PENDING).succeeded]
            problems = [p for op in pending for e in op.expect for p in await self._stale(e)]
            if problems:
                raise StalePlanError(
                    "the plan is stale, nothing was sent: "
                    + "; ".join(dict.fromkeys(problems))
                    + ". Make the plan again (`cio-tui plan cutover` / `plan rollback`)"
                )
            self._announce(pending)
            for op in plan.operations:
                state = states.get(op.op_id, OpState.PENDING)
                if not await self._one(op, state, result):
                    break
        return result

    def _announce(self, pending: list[SegmentOperation]) -> None:
        """How long the run will take: the subscription endpoints allow a few requests a minute."""
        limiter = self.client.http.limiters.get("subscriptions")
        subs = sum(1 for op in pending if "/subscriptions" in op.request.path)
        if limiter is None or subs <= limiter.limit:
            return
        minutes = (subs + 1 - limiter.limit) * limiter.period / limiter.limit / 60  # the writes and one listing
        self._say(
            f"{len(pending)} operation(s) to apply; Segment allows {limiter.limit} subscription requests per "
            f"{limiter.period:g} s, so this takes about {minutes:.0f} min. Interrupted, run it again: it resumes"
        )

    async def _one(self, op: SegmentOperation, state: OpState, result: SegmentApplyResult) -> bool:
        pid = self.plan.plan_id
        found = await self._found(op)
        if found is not None:
            if found:
                self._ids[op.op_id] = found
            result.done += 1
            if not state.succeeded:
                result.already += 1
                final = OpState.RECONCILED if state.in_doubt else OpState.DONE
                self.journal.record(
                    pid,
                    op.op_id,
                    final,
                    kind=op.kind,
                    after={"id": found} if found else None,
                    detail="already in place: nothing sent",
                )
                self._say(f"{op.op_id} {op.summary}: already in place")
            return True
        if state.succeeded:  # done earlier but its effect is gone: do not redo it behind the operator's back
            result.problems.append((op.op_id, "changed", "done earlier but no longer in place; make the plan again"))
            return False
        for expect in op.expect:
            problems = await self._stale(expect)
            if problems:
                self.journal.record(pid, op.op_id, OpState.SKIPPED_STALE, kind=op.kind, detail="; ".join(problems))
                result.problems.append((op.op_id, OpState.SKIPPED_STALE, "; ".join(problems)))
                return False
        path = self._resolve(op.request.path)
        body = await self._filled(op.request.body)
        planned = op.request.model_dump(mode="json")
        self.journal.record(pid, op.op_id, OpState.SENT, kind=op.kind, request={**planned, "path": path})
        try:
            data = await self.client.send(op.request.method, path, body, op.summary)
        except SegmentUncertainWriteError as exc:
            self.journal.record(pid, op.op_id, OpState.UNCERTAIN, kind=op.kind, detail=str(exc))
            self._subs.clear()  # read again: the lost answer may have created one
            again = await self._found(op)
            if again is None:
                result.problems.append((op.op_id, OpState.UNCERTAIN, f"{exc}; run `cio-tui apply` again to reconcile"))
                return False
            if again:
                self._ids[op.op_id] = again
            self.journal.record(pid, op.op_id, OpState.RECONCILED, kind=op.kind, after={"id": again} if again else None)
            result.done += 1
            result.sent += 1
            return True
        except (SegmentAuthError, SegmentPermissionError):
            self.journal.record(pid, op.op_id, OpState.FAILED, kind=op.kind, detail="refused: no access")
            raise
        except SegmentApiError as exc:
            self.journal.record(pid, op.op_id, OpState.FAILED, kind=op.kind, status=exc.status, detail=str(exc))
            result.problems.append((op.op_id, OpState.FAILED, str(exc)))
            return False
        created = next((v.get("id") for v in data.values() if isinstance(v, dict) and v.get("id")), None)
        if created and op.kind.startswith("create"):
            self._ids[op.op_id] = str(created)
        if created and op.kind == "create_subscription" and isinstance(op.request.body, dict):
            self._subs.setdefault(self._resolve(op.find.destination or ""), []).append(
                {"id": str(created), "actionId": op.request.body.get("actionId"), "name": op.request.body.get("name")}
            )
        self.journal.record(
            pid, op.op_id, OpState.DONE, kind=op.kind, status=200, after={"id": created} if created else None
        )
        self._say(f"{op.op_id} {op.summary}: done")
        result.done += 1
        result.sent += 1
        return True


__all__ = ["SegmentApplyEngine", "SegmentApplyResult", "StalePlanError"]
