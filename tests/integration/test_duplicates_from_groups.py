"""``plan merge-duplicates --from-groups``: a result table back into the same reviewed merge plan as
``--from-export``, every person re-read live from the sandbox first, stale rows left out with why."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.identity.plan import load_plan


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def ops(path: Path) -> list[tuple[object, ...]]:
    plan = load_plan(path)
    return [
        (op.kind, op.subject.value, op.secondary.value if op.secondary else None, op.request.body,
         [loss.text for loss in op.loses], [s.model_dump() for s in op.preconditions])
        for op in plan.operations
    ]  # fmt: skip


def test_from_groups_makes_the_same_plan_as_from_export(tmp_path: Path) -> None:
    groups = tmp_path / "groups.csv"
    code, out, err = invoke("--sandbox", "duplicates", "--live", "--out", str(groups), "--price-per-profile", "0.01")
    assert code == 0, err
    export = Path(re.search(r"export saved as (\S+)", err).group(1))  # type: ignore[union-attr]
    assert "duplicates cost about $" in out and "a month" in out
    with groups.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["group_id", "cio_id", "rules", "confidence", "is_primary", "needs_review_reason"]

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    code, _, err = invoke("--sandbox", "plan", "merge-duplicates", "--from-export", str(export), "--out", str(a),
                          "--min-confidence", "medium")  # fmt: skip
    assert code == 0, err
    code, out, err = invoke("--sandbox", "plan", "merge-duplicates", "--from-groups", str(groups), "--out", str(b),
                            "--min-confidence", "medium")  # fmt: skip
    assert code == 0, err
    assert "reading" in err and "people live" in err
    assert ops(a) == ops(b) and len(ops(a)) > 0


def test_stale_rows_are_left_out_with_why(tmp_path: Path) -> None:
    groups = tmp_path / "groups.csv"
    code, _, err = invoke("--sandbox", "duplicates", "--live", "--out", str(groups))
    assert code == 0, err
    with groups.open() as fh:
        rows = list(csv.DictReader(fh))
    ready = [r for r in rows if not r["needs_review_reason"]]
    first = ready[0]["group_id"]
    rows.append({**ready[0], "cio_id": "gone1", "is_primary": "false"})  # deleted since the table was made
    rows += [  # a group whose primary no longer exists
        {"group_id": "zz1", "cio_id": "zz1", "rules": "same_email", "confidence": "medium", "is_primary": "true",
         "needs_review_reason": ""},
        {"group_id": "zz1", "cio_id": ready[1]["cio_id"], "rules": "same_email", "confidence": "medium",
         "is_primary": "false", "needs_review_reason": ""},
    ]  # fmt: skip
    with groups.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, _, err = invoke("--sandbox", "plan", "merge-duplicates", "--from-groups", str(groups), "--out",
                          str(tmp_path / "p.json"), "--min-confidence", "medium")  # fmt: skip
    assert code == 0, err
    assert f"group {first}: cio_gone1 left out: no longer in the workspace" in err
    assert "group zz1: cio_zz1 left out: no longer in the workspace" in err
    assert "the group's primary is gone; run the rules again" in err
    assert "row(s) of" in err and "left out as stale" in err
    assert "gone1" not in (tmp_path / "p.json").read_text()


def test_from_groups_refuses_a_file_that_is_not_a_result_table(tmp_path: Path) -> None:
    bad = tmp_path / "people.csv"
    bad.write_text("cio_id,id,email\nc1,u1,a@example.com\n")
    code, _, err = invoke("--sandbox", "plan", "merge-duplicates", "--from-groups", str(bad), "--out",
                          str(tmp_path / "p.json"))  # fmt: skip
    assert code == 1 and "is not a duplicate result table: it has no group_id" in err


def test_calibration_export_records_the_workspace_header(tmp_path: Path) -> None:
    import json

    import cio_tui.identity.duplicates.calibration as calibration

    code, out, err = invoke("--sandbox", "duplicates", "--live", "--json")
    assert code == 0, err
    member = next(m for g in json.loads(out)["groups"] for m in g["members"] if m["id"] and "@" not in m["id"])
    code, out, err = invoke("--sandbox", "duplicates", "--calibrate", member["id"])
    assert code == 0, err
    assert "export header of this workspace (1 row(s) for " + member["id"] + "): cio_id, id, email, created_at" in out
    assert "roles: cio_id = cio_id, id = id, email = email, created_at = created_at" in out
    assert "no --columns needed" in out
    recorded = Path(re.search(r"recorded in (\S+)", out).group(1))  # type: ignore[union-attr]
    assert json.loads(recorded.read_text())["header"][:4] == ["cio_id", "id", "email", "created_at"]
    found = calibration.header_of(_renamed_export(tmp_path), "A@example.com")  # E-mail holds the person's email
    assert found.columns_option == "email=E-mail" and found.roles["cio_id"] == "" and found.rows == 1
    assert calibration.one_person_filter("Ann@Example.com") == {
        "and": [{"attribute": {"field": "email", "operator": "eq", "value": "Ann@Example.com"}}]
    }


def _renamed_export(tmp_path: Path) -> Path:
    path = tmp_path / "renamed.csv"
    path.write_text("Internal Id,id,E-mail,created_at\nc1,u1,a@example.com,1\n")
    return path


def test_from_export_is_checked_against_the_recorded_calibration_header(tmp_path: Path) -> None:
    import json

    code, out, err = invoke("--sandbox", "duplicates", "--live", "--json")
    assert code == 0, err
    member = next(m for g in json.loads(out)["groups"] for m in g["members"] if m["id"] and "@" not in m["id"])
    code, out, err = invoke("--sandbox", "duplicates", "--calibrate", member["id"])
    assert code == 0, err
    recorded = json.loads(Path(re.findall(r"recorded in (\S+)", out)[0]).read_text())["header"]

    same = tmp_path / "same.csv"  # the workspace's own header, in another order: nothing to say
    same.write_text(",".join(reversed(recorded)) + "\n")
    code, _, err = invoke("--sandbox", "duplicates", "--from-export", str(same))
    assert code == 0, err
    assert "differs from this workspace's calibration export" not in err

    renamed = _renamed_export(tmp_path)  # cio_id and email under other names: refused, saying what to do
    code, _, err = invoke("--sandbox", "duplicates", "--from-export", str(renamed))
    assert code == 1
    assert "renamed.csv: its header differs from this workspace's calibration export (recorded " in err
    assert "It has no 'cio_id' (cio_id), 'email' (email) column" in err
    assert "Map its columns with --columns ROLE=COLUMN, or run --calibrate again" in err

    code, out, err = invoke("--sandbox", "duplicates", "--from-export", str(renamed),
                            "--columns", "cio_id=Internal Id,email=E-mail")  # fmt: skip
    assert code == 0, err  # the operator mapped it: a warning, and the analysis runs
    assert "warning: renamed.csv: its header differs" in err and "duplicate group(s) among 1 people" in out

    code, _, err = invoke("duplicates", "--from-export", str(renamed))  # no workspace named: nothing to compare
    assert "calibration export" not in err
