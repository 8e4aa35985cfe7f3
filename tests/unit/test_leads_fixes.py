"""Lead conversion and identifier fixes: every check, line numbers, merge proposals, the plans they make."""

from __future__ import annotations

import pytest

from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity.fixes import IdentifierChange, check_change, plan_identifier_fixes, read_changes
from cio_tui.identity.leads import (
    LEADS_FILTER,
    IdRow,
    check_row,
    find_leads,
    leads_from_export,
    plan_lead_conversion,
    read_id_rows,
)
from cio_tui.identity.plan import OpKind
from cio_tui.identity.rows import CsvFormatError, merge_plan
from tests.unit.fake_cio import FakeClient

WS = {"workspace_fingerprint": "us:abc", "workspace_name": "W"}


def workspace() -> FakeClient:
    return FakeClient(
        [
            Person(cio_id="l1", email="one@x.co"),
            Person(cio_id="l2", email="two@x.co"),
            Person(cio_id="l3", email="three@x.co"),
            Person(cio_id="c1", id="taken", email="cust@x.co"),
            Person(cio_id="d1", email="dup@x.co", id="d1"),
            Person(cio_id="d2", email="dup@x.co", id="d2"),
        ]
    )


async def test_find_leads_with_filter_and_fallback():
    client = workspace()
    assert [r.cio_id for r in await find_leads(client)] == ["l1", "l3", "l2"]
    assert client.searches == [LEADS_FILTER]
    client = workspace()
    client.refuse_id_filter = True
    assert [r.cio_id for r in await find_leads(client)] == ["l1", "l3", "l2"]
    assert client.searches[-1] == {"attribute": {"field": "email", "operator": "exists"}}


def test_read_csv_and_export(tmp_path):
    f = tmp_path / "ids.csv"
    f.write_text("Email,ID\none@x.co,u1\n\n two@x.co , u2\n")
    assert read_id_rows(f) == [IdRow(line=2, email="one@x.co", id="u1"), IdRow(line=4, email="two@x.co", id="u2")]
    f.write_text("mail,id\n")
    with pytest.raises(CsvFormatError, match="no email column; it must be `email,id`"):
        read_id_rows(f)
    e = tmp_path / "export.csv"
    e.write_text("cio_id,email,id,plan\na,a@x.co,,pro\nb,b@x.co,u,free\n")
    assert leads_from_export(e) == [PersonRef(cio_id="a", email="a@x.co")]


@pytest.mark.parametrize(
    ("email", "id_", "reason"),
    [
        ("one@x.co", "a@b.co", "looks like an email"),
        ("one@x.co", "cio_123", "starts with 'cio_'"),
        ("one@x.co", "x" * 151, "at most 150"),
        ("not-an-email", "u1", "is not an email address"),
        ("one@x.co", "", "empty"),
    ],
)
def test_local_row_checks(email, id_, reason):
    assert reason in check_row(IdRow(email=email, id=id_))


async def test_plan_lead_conversion_reports_every_excluded_row():
    text = "\n".join(
        [
            "email,id",
            "one@x.co,u1",  # 2 ok
            "two@x.co,taken",  # 3 id held by c1 -> merge proposal
            "three@x.co,a@b.co",  # 4 email-shaped id
            "nobody@x.co,u4",  # 5 not found
            "cust@x.co,u5",  # 6 not a lead
            "dup@x.co,u6",  # 7 several people
            "one@x.co,u1",  # 8 exact repeat
            "ONE@x.co,u9",  # 9 same email, another id: with line 2 both excluded
        ]
    )
    build = await plan_lead_conversion(workspace(), read_id_rows(text=text), **WS)
    assert build.plan.operations == []  # line 2 lost to the conflict with line 9
    reasons = {r.line: r.reason for r in build.excluded}
    assert "already used by another person (cio_c1" in reasons[3]
    assert "looks like an email" in reasons[4]
    assert reasons[5] == "no person has this email"
    assert (
        "not a lead: cio_c1 already has the id 'cust'" not in reasons[6] and "already has the id 'taken'" in reasons[6]
    )
    assert reasons[7] == "2 people have this email"
    assert reasons[8] == "repeats line 2"
    assert "several lines (2, 9)" in reasons[2] and "several lines (2, 9)" in reasons[9]
    [proposal] = build.proposals
    assert (proposal.primary.cio_id, proposal.secondary.cio_id, proposal.line) == ("c1", "l2", 3)
    messages = {r.line: r.message for r in build.excluded}  # the reason, then what to do: capitalised sentences
    assert messages[5] == "No person has this email. Check the spelling; identify the person first if they are new."
    assert messages[8] == "Repeats line 2. Nothing to do: the first one is planned."
    assert messages[6].endswith(". To change it, use `cio-tui plan fix-identifiers`.")
    assert messages[4].startswith("The id looks like an email") and ". correct" not in messages[4]
    assert messages[4].endswith(". Correct the line and plan again.")
    assert "  line 5: nobody@x.co -> u4: No person has this email. Check the spelling;" in "\n".join(
        build.summary_lines()
    )
    text = "email,id\none@x.co,u1\nthree@x.co,u3\n"
    build = await plan_lead_conversion(workspace(), read_id_rows(text=text), **WS)
    assert [op.request.line() for op in build.plan.operations] == [
        'PUT /api/v1/customers/cio_l1 {"id": "u1"}',
        'PUT /api/v1/customers/cio_l3 {"id": "u3"}',
    ]
    assert build.excluded == [] and build.plan.source == "convert-leads"
    assert "2 operation(s) planned; 0 row(s) left out" in build.summary_lines()[0]
    merges = merge_plan([proposal], **WS)
    assert merges.operations[0].request.body == {"primary": {"cio_id": "c1"}, "secondary": {"cio_id": "l2"}}


def test_read_changes(tmp_path):
    assert read_changes(text="cio_id,new_email\ncio_a1,n@x.co\n") == [
        IdentifierChange(line=2, cio_id="cio_a1", new_email="n@x.co")
    ]
    with pytest.raises(CsvFormatError, match="new_id and/or new_email"):
        read_changes(text="cio_id,x\na,b\n")
    assert "not a cio_id" in check_change(IdentifierChange(cio_id="a-b", new_id="u"))
    assert "neither" in check_change(IdentifierChange(cio_id="a"))


async def test_plan_identifier_fixes_checks_and_collisions():
    client = workspace()
    text = "\n".join(
        [
            "cio_id,new_id,new_email",
            "cio_l1,u1,",  # 2 ok: assign via change
            "c1,taken2,new@x.co",  # 3 ok: both
            "l2,taken,",  # 4 id held by c1
            "l3,,cust@x.co",  # 5 email held by c1
            "zz9,u9,",  # 6 no such person
            "d1,d1,",  # 7 nothing to do
            "d2,cio_x,",  # 8 bad id
            "l1,u7,",  # 9 same person twice -> 2 and 9 excluded
        ]
    )
    build = await plan_identifier_fixes(client, read_changes(text=text), **WS)
    reasons = {r.line: r.reason for r in build.excluded}
    assert set(reasons) == {2, 4, 5, 6, 7, 8, 9}
    assert "'taken' already belongs to another person (cio_c1)" in reasons[4]
    assert "'cust@x.co' already belongs to another person (cio_c1)" in reasons[5]
    assert reasons[6] == "no person has this cio_id" and reasons[7] == "the person already has these identifiers"
    assert [p.secondary.cio_id for p in build.proposals] == ["l2", "l3"]
    [op] = build.plan.operations
    assert op.kind is OpKind.CHANGE_ID and op.request.line() == (
        'PUT /api/v1/customers/cio_c1 {"email": "new@x.co", "id": "taken2"}'
    )
    assert [loss.values for loss in op.loses] == [{"id": "taken"}, {"email": "cust@x.co"}]
    client.email_ids = False  # id-only workspace: emails are attributes, they cannot collide
    build = await plan_identifier_fixes(client, [IdentifierChange(cio_id="l3", new_email="cust@x.co")], **WS)
    assert build.plan.operations[0].kind is OpKind.CHANGE_EMAIL and build.excluded == []


async def test_stale_leads_list_and_id_only_workspace():
    client = workspace()
    stale = [PersonRef(cio_id="l1", email="one@x.co")]  # an old export: l3 is a lead too
    build = await plan_lead_conversion(client, read_id_rows(text="email,id\nthree@x.co,u3\n"), leads=stale, **WS)
    assert [op.subject.value for op in build.plan.operations] == ["l3"]
    client.email_ids = False  # email lookups fall back to the per-email search
    build = await plan_lead_conversion(client, read_id_rows(text="email,id\ndup@x.co,u3\n"), leads=stale, **WS)
    assert build.excluded[0].reason == "2 people have this email"


def test_read_changes_takes_the_person_by_id_or_email(tmp_path):
    [by_email] = read_changes(text="email,new_id\nOne@x.co,u1\n")
    assert (by_email.by, by_email.subject, by_email.cio_id, by_email.new_id) == ("email", "One@x.co", "", "u1")
    [by_id] = read_changes(text="id,new_email\ntaken,n@x.co\n")
    assert (by_id.by, by_id.subject, by_id.new_email) == ("id", "taken", "n@x.co")
    # "new_id" holds "id" but is not the person's column; cio_id wins when a header has several
    [both] = read_changes(text="new_id,email,cio_id\nu2,two@x.co,l2\n")
    assert (both.by, both.cio_id) == ("cio_id", "l2")
    with pytest.raises(CsvFormatError, match="no person column: it needs cio_id, id or email"):
        read_changes(text="new_id,new_email\nu,e@x.co\n")
    assert "not an email address" in check_change(IdentifierChange(cio_id="", by="email", subject="nope", new_id="u"))


async def test_fix_identifiers_resolves_ids_and_emails_to_one_cio_id_each():
    client = workspace()
    text = "\n".join(
        [
            "email,new_id",
            "one@x.co,u1",  # 2 lead l1: resolved by email
            "dup@x.co,u2",  # 3 two people share it: left out, not guessed
            "nobody@x.co,u3",  # 4 no such person
        ]
    )
    build = await plan_identifier_fixes(client, read_changes(text=text), **WS)
    [op] = build.plan.operations
    assert op.request.line() == 'PUT /api/v1/customers/cio_l1 {"id": "u1"}'
    excluded = {r.line: r for r in build.excluded}
    assert set(excluded) == {3, 4}
    assert excluded[3].key == "email dup@x.co"
    assert "2 people have the email 'dup@x.co' (cio_d1, cio_d2); the change is not guessed" in excluded[3].reason
    assert "cio_id column" in excluded[3].action
    assert excluded[4].reason == "no person has the email 'nobody@x.co'"

    build = await plan_identifier_fixes(client, read_changes(text="id,new_email\ntaken,fresh@x.co\nzz,a@x.co\n"), **WS)
    assert [op.request.line() for op in build.plan.operations] == [
        'PUT /api/v1/customers/cio_c1 {"email": "fresh@x.co"}'
    ]
    assert [(r.line, r.key, r.reason) for r in build.excluded] == [(3, "id zz", "no person has the id 'zz'")]

    client.email_ids = False  # id-only workspace: the email is searched as an attribute
    build = await plan_identifier_fixes(client, read_changes(text="email,new_id\nthree@x.co,u3\n"), **WS)
    assert [op.request.line() for op in build.plan.operations] == ['PUT /api/v1/customers/cio_l3 {"id": "u3"}']


async def test_a_lead_converted_since_the_list_was_read_is_not_planned_again():
    """QA: the Leads list was read before an apply; checking it again must read the person live."""
    client = workspace()
    leads = await find_leads(client)
    first = await plan_lead_conversion(client, [IdRow(line=2, email="one@x.co", id="u1")], leads=leads, **WS)
    assert [op.kind for op in first.plan.operations] == [OpKind.ASSIGN_ID]
    client.people["l1"] = Person(cio_id="l1", email="one@x.co", id="u1")  # the apply converted them
    del client.people["l2"]  # and someone else was merged away meanwhile
    again = await plan_lead_conversion(
        client, [IdRow(line=2, email="one@x.co", id="u1"), IdRow(line=3, email="two@x.co", id="u2")], leads=leads, **WS
    )
    assert again.plan.operations == []
    reasons = {r.line: r.message for r in again.excluded}
    assert reasons[2].startswith("Not a lead: cio_l1 already has the id 'u1'")
    assert "no longer in this workspace" in reasons[3]


async def test_a_new_id_differing_only_in_case_from_another_persons_id_is_planned_with_a_warning():
    client = workspace()  # c1 holds the id "taken"
    build = await plan_identifier_fixes(client, [IdentifierChange(cio_id="l1", new_id="TAKEN")], **WS)
    assert [op.subject.value for op in build.plan.operations] == ["l1"]  # two different ids to Customer.io
    warning = build.warnings["l1"]
    assert "'TAKEN' differs only in case from the id 'taken' of cio_c1" in warning and "case-sensitive" in warning
    assert any(line.startswith("  WARNING cio_l1: the new id 'TAKEN'") for line in build.summary_lines())
    build = await plan_identifier_fixes(client, [IdentifierChange(cio_id="c1", new_id="Taken")], **WS)
    assert build.warnings == {}  # their own id in another case: nobody else holds it
