"""``cio-tui duplicates`` and ``cio-tui plan merge-duplicates``: output shapes, problems on stderr, plan contents."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.identity.plan import OpKind, fingerprint, load_plan
from cio_tui.sandbox.embedded import SANDBOX_ORIGIN, SANDBOX_SITE_ID
from tests.unit.test_duplicates_engine import write_export

ROWS = [
    ["l1", "", "lee@example.com", "1300000000", "", "free"],  # lead
    ["c1", "lee", "Lee@example.com", "1400000000", "", "pro"],  # the same person with an id
    ["p1", "lee@example.com", "", "1200000000", "", "team"],  # email sent as the id
    ["k1", "Kai", "kai1@example.com", "1500000000", "", ""],
    ["k2", "kai", "kai2@example.com", "1400000000", "", ""],  # case variant: needs review
    ["x1", "xan", "xan@example.com", "1500000000", "", ""],
]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = write_export(tmp_path / "people.csv", ROWS)
    with path.open("a") as fh:
        fh.write("broken,row\n")  # line 8
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_json_has_exactly_the_documented_shape(export: Path) -> None:
    code, out, err = run("duplicates", "--from-export", str(export), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"groups", "summary"}
    assert [set(g) for g in data["groups"]] == [{"rule", "confidence", "members", "primary", "reason"}] * 2
    first, second = data["groups"]
    assert first["rule"] == "lead_and_id_person+email_as_id+same_email"
    assert first["confidence"] == "high"
    assert first["primary"] == "c1"
    assert first["members"] == [
        {"cio_id": "c1", "id": "lee", "email": "Lee@example.com", "created_at": 1400000000},
        {"cio_id": "p1", "id": "lee@example.com", "email": None, "created_at": 1200000000},
        {"cio_id": "l1", "id": None, "email": "lee@example.com", "created_at": 1300000000},
    ]
    assert first["reason"].startswith("Linked by: email-only lead and a person with an id hold the email")
    assert second["confidence"] == "medium" and "Needs review: 2 different real ids" in second["reason"]
    assert data["summary"]["groups"] == 2 and data["summary"]["needs_review"] == 1
    assert data["summary"]["problems"] == 1
    assert "people.csv: line 8: missing columns" in err


def test_json_groups_match_the_models(export: Path) -> None:
    from cio_tui.identity.duplicates.engine import analyse_export

    _, out, _ = run("duplicates", "--from-export", str(export), "--json")
    with analyse_export(export) as analysis:
        models = [g.to_json_dict() for g in analysis.groups()]
    assert json.loads(out)["groups"] == models


def test_csv_lists_one_row_per_person(export: Path) -> None:
    code, out, _ = run("duplicates", "--from-export", str(export), "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5
    assert rows[0] == {
        "group": "1", "rule": "lead_and_id_person+email_as_id+same_email", "confidence": "high",
        "needs_review": "False", "primary": "True", "cio_id": "c1", "id": "lee", "email": "Lee@example.com",
        "created_at": "1400000000",
    }  # fmt: skip


def test_text_output_explains_each_group(export: Path) -> None:
    code, out, _ = run("duplicates", "--from-export", str(export))
    assert code == 0
    assert "2 duplicate group(s) among 6 people" in out
    assert "primary   cio_c1  id=lee" in out and "Needs review" in out


def test_usage_errors(export: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    code, _, err = run("duplicates", "--from-export", str(tmp_path / "empty.csv"))
    assert code == 1 and "is empty; a people export starts with a header row" in err
    assert run("duplicates")[0] == 2
    (tmp_path / "contacts.csv").write_text("name,phone\nAnn,555\n")
    code, out, err = run("duplicates", "--from-export", str(tmp_path / "contacts.csv"))
    assert code == 1 and out == "" and "contacts.csv is not a people export" in err and "'cio_id' column" in err
    code, _, err = run("--sandbox", "plan", "merge-duplicates", "--from-export", str(tmp_path / "contacts.csv"),
                       "--out", str(tmp_path / "p.json"))  # fmt: skip
    assert code == 1 and "is not a people export" in err and not (tmp_path / "p.json").exists()
    assert run("duplicates", "--from-export", str(export), "--live")[0] == 2
    assert run("duplicates", "--from-export", str(export), "--json", "--csv")[0] == 2


def test_print_sql_alone_and_for_a_file(export: Path) -> None:
    code, out, _ = run("duplicates", "--print-sql")
    assert code == 0 and "FROM people" in out and "CREATE OR REPLACE TABLE cio_duplicate_groups AS" in out
    code, out, _ = run("duplicates", "--from-export", str(export), "--print-sql")
    assert code == 0 and "read_csv(" in out and str(export.resolve()) in out


def test_plan_merge_duplicates_writes_merges_with_what_they_lose(export: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "plan.json"
    code, out, err = run("--sandbox", "plan", "merge-duplicates", "--from-export", str(export), "--out", str(out_file))
    assert code == 0, err
    plan = load_plan(out_file)
    assert plan.workspace_fingerprint == fingerprint("us", SANDBOX_SITE_ID, (SANDBOX_ORIGIN, SANDBOX_ORIGIN))
    assert plan.source == "merge-duplicates"
    assert [(op.kind, op.subject.value, op.secondary.value if op.secondary else None) for op in plan.operations] == [
        (OpKind.MERGE, "c1", "p1"),
        (OpKind.MERGE, "c1", "l1"),
    ]
    lead_merge = plan.operations[1]
    assert lead_merge.request.body == {"primary": {"cio_id": "c1"}, "secondary": {"cio_id": "l1"}}
    texts = [loss.text for loss in lead_merge.loses]
    assert texts[0] == "lee@example.com (cio_l1) is deleted permanently; cannot be undone"
    assert lead_merge.loses[1].values == {"plan": "free"}  # the primary keeps "pro"
    assert "1 group(s) left out: confidence below high" in out


def test_plan_choices_primary_force_exclude(export: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "plan.json"
    code, _, err = run(
        "--sandbox", "plan", "merge-duplicates", "--from-export", str(export), "--out", str(out_file),
        "--min-confidence", "medium", "--primary", "cio_l1", "--force", "k2",
    )  # fmt: skip
    assert code == 0, err
    ops = load_plan(out_file).operations
    assert [(op.kind, op.subject.value, op.secondary.value if op.secondary else None) for op in ops] == [
        (OpKind.MERGE, "l1", "p1"),
        (OpKind.MERGE, "l1", "c1"),
        (OpKind.ASSIGN_ID, "l1", None),  # the lead survives, so it must take the real id after the merges
        (OpKind.MERGE, "k2", "k1"),
    ]
    fix = ops[2]
    assert fix.request.path == "/api/v1/customers/cio_l1" and fix.request.body == {"id": "lee"}
    # the lead had no id: the fix-up must not require it to be empty (a merge may fill it)
    assert fix.preconditions[0].fields == {"email": "lee@example.com"}
    assert ops[3].loses[-1].text.startswith("the secondary's id 'Kai' no longer names anyone")
    assert ops[3].loses[-1].values == {"id": "Kai"}

    empty_file = tmp_path / "empty-plan.json"
    code, out, err = run(
        "--sandbox", "plan", "merge-duplicates", "--from-export", str(export), "--out", str(empty_file),
        "--exclude", "c1",
    )  # fmt: skip
    # a plan with nothing to apply is not written, and the command says so with exit 1
    assert code == 1 and not empty_file.exists()
    assert "0 group(s) planned" in out and f"no plan written to {empty_file}: no merge is left to apply" in err
    code, _, err = run(
        "--sandbox", "plan", "merge-duplicates", "--from-export", str(export), "--out", str(out_file), "--exclude", "zz"
    )
    assert code == 1 and "--exclude zz: this cio_id is in no duplicate group" in err


def test_json_member_order_matches_the_models_for_bigger_groups(tmp_path: Path) -> None:
    from cio_tui.identity.duplicates.engine import analyse_export

    rows = [
        [f"b{i}", f"id{i}" if i % 2 else "", "big@example.com", str(1_500_000_000 - i * (-1) ** i), "", ""]
        for i in range(5)
    ]
    path = write_export(tmp_path / "big.csv", [*rows, *ROWS])
    _, out, _ = run("duplicates", "--from-export", str(path), "--json")
    with analyse_export(path) as analysis:
        models = [g.to_json_dict() for g in analysis.groups()]
        assert [g.to_json_dict() for g in analysis.groups(limit=1)] == models[:1]
    assert json.loads(out)["groups"] == models
    assert max(len(g["members"]) for g in models) == 5


def test_a_row_without_cio_id_is_reported_and_links_nobody(tmp_path: Path) -> None:
    """A person without a cio_id cannot be merged: the row is reported by line, and it is in no group (as in every
    engine: the rules run on cio_ids), so the person it shares an email with is alone, not a group."""
    path = write_export(
        tmp_path / "people.csv",
        [["", "u1", "a@x.com", "100", "", ""], ["c2", "u1b", "a@x.com", "200", "", ""],
         ["c3", "", "a@x.com", "300", "", ""]],
    )  # fmt: skip
    code, out, err = run("duplicates", "--from-export", str(path), "--json")
    assert code == 0 and "line 2: the row has no cio_id" in err
    [group] = json.loads(out)["groups"]
    assert group["primary"] == "c2" and [m["cio_id"] for m in group["members"]] == ["c2", "c3"]


def test_plan_from_another_workspaces_export_warns_before_anything_is_applied(export: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "plan.json"
    code, _, err = run("--sandbox", "plan", "merge-duplicates", "--from-export", str(export), "--out", str(out_file))
    assert code == 0  # the plan is still written: the operator decides
    assert "warning: None of the 5 people checked from this export is in workspace 'sandbox'" in err
    assert "probably comes from another workspace" in err

    leads = json.loads(CliRunner().invoke(main, ["--sandbox", "leads", "--json"]).stdout)["leads"]
    rows = [
        [lead["cio_id"], "", "same@example.com", str(1_400_000_000 + i), "", ""] for i, lead in enumerate(leads[:2])
    ]
    own = write_export(tmp_path / "own.csv", rows)
    code, _, err = run("--sandbox", "plan", "merge-duplicates", "--from-export", str(own), "--out", str(out_file),
                       "--min-confidence", "medium")  # fmt: skip
    assert code == 0, err
    assert "warning:" not in err
