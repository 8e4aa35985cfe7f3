"""Deletion/suppression plans from a CSV: resolved people, exclusions, the irreversible flag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity.plan import OpKind, Plan
from cio_tui.walkthrough.cleanup import (
    IRREVERSIBLE_WARNING,
    CleanupError,
    build_cleanup_plan,
    parse_cleanup_csv,
    requires_strongest_confirmation,
)

T0 = datetime(2026, 11, 29, tzinfo=UTC)


class FakeClient:
    def __init__(self) -> None:
        self.people = {
            "a1": Person(cio_id="a1", id="u1", email="u1@x.co"),
            "a2": Person(cio_id="a2", id=None, email="lead@x.co"),
        }

    async def get_person(self, who):
        for p in self.people.values():
            if (who.kind.value == "cio_id" and p.cio_id == who.value) or (who.kind.value == "id" and p.id == who.value):
                return p
        return None

    async def customers_by_email(self, email):
        if email == "twice@x.co":
            return [PersonRef(cio_id="b1", email=email), PersonRef(cio_id="b2", email=email)]
        return [p.ref for p in self.people.values() if p.email == email]


CSV = """identifier,action
u1,suppress
lead@x.co,delete
cio_a1,delete
nobody,delete
twice@x.co,suppress
,
"""


async def test_cleanup_plan_content_and_exclusions() -> None:
    rows = parse_cleanup_csv(CSV)
    result = await build_cleanup_plan(FakeClient(), rows, workspace_fingerprint="us:f", workspace_name="Acme", now=T0)
    plan = result.plan
    assert plan is not None and plan.source == "delete-suppress"
    assert [(op.kind, op.request.method, op.request.path) for op in plan.operations] == [
        (OpKind.SUPPRESS, "POST", "/api/v1/customers/cio_a1/suppress"),
        (OpKind.DELETE, "DELETE", "/api/v1/customers/cio_a2"),
    ]
    assert plan.operations[0].preconditions[0].fields == {"id": "u1", "email": "u1@x.co"}
    assert [(e.line, e.reason.split(";")[0]) for e in result.excluded] == [
        (4, "same person as line 2"),
        (5, "no person with id nobody"),
        (6, "2 people have this email"),
    ]
    assert result.irreversible and result.confirmation == "strongest"
    assert requires_strongest_confirmation(plan)
    assert IRREVERSIBLE_WARNING in plan.description and "suppression cannot be undone" in result.warning
    assert result.counts() == {"delete": 1, "suppress": 1, "excluded": 3}
    assert Plan.from_json(plan.to_json()).plan_id == plan.plan_id


async def test_columns_by_kind_and_default_action() -> None:
    rows = parse_cleanup_csv("id,email\nu1,\n,lead@x.co\n", default_action="delete")
    assert [(r.identifier, r.kind.value, r.action) for r in rows] == [
        ("u1", "id", "delete"),
        ("lead@x.co", "email", "delete"),
    ]
    result = await build_cleanup_plan(FakeClient(), rows, workspace_fingerprint="us:f", workspace_name="A", now=T0)
    assert [op.kind for op in result.plan.operations] == [OpKind.DELETE, OpKind.DELETE]


def test_bad_csv_is_explained() -> None:
    with pytest.raises(CleanupError, match="needs a header"):
        parse_cleanup_csv("name\nx\n", default_action="delete")
    with pytest.raises(CleanupError, match="no action column"):
        parse_cleanup_csv("id\nu1\n")
    with pytest.raises(CleanupError, match="line 2: action must be delete or suppress"):
        parse_cleanup_csv("id,action\nu1,erase\n")


async def test_nothing_resolvable_gives_no_plan() -> None:
    rows = parse_cleanup_csv("id\nnobody\n", default_action="suppress")
    result = await build_cleanup_plan(FakeClient(), rows, workspace_fingerprint="us:f", workspace_name="A", now=T0)
    assert result.plan is None and not result.irreversible and len(result.excluded) == 1


async def test_malformed_rows_are_left_out_with_the_reason_not_a_crash():
    rows = parse_cleanup_csv(
        "identifier,action\nnot-an-email@,delete\n" + "x" * 151 + ",delete\ncio_ffff,suppress\nu1,suppress\n"
    )
    result = await build_cleanup_plan(FakeClient(), rows, workspace_fingerprint="us:0", workspace_name="w", now=T0)
    reasons = {e.line: e.reason for e in result.excluded}
    assert reasons[2] == "'not-an-email@' is not a valid email address"
    assert reasons[3].startswith("an id is at most 150 bytes")
    assert reasons[4].startswith("no person with cio_id")
    assert [op.kind for op in result.plan.operations] == [OpKind.SUPPRESS]
