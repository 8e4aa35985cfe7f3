"""A paste of many calls: the summary of outcomes by kind, and the filter to one kind (headless text output)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.segment import preview_text
from cio_tui.segment.outcome_summary import summarize


def _calls(customer: dict, lead: dict, n_new: int) -> str:
    lines = [f"analytics.identify('new-user-{i}', {{email: 'new{i}@example.com'}})" for i in range(n_new)]
    lines.append(f"analytics.identify('{customer['id']}', {{plan: 'pro'}})")
    # the customer's id with another person's email: a conflict Customer.io records as a failed attribute change
    lines.append(f"analytics.identify('{customer['id']}', {{email: '{lead['email']}'}})")
    lines.append("analytics.page('Docs')")  # Actions rejects a page without properties.url
    return "\n".join(lines) + "\n"


def test_summary_counts_each_kind_and_only_filters_to_one() -> None:
    runner = CliRunner()
    customer = json.loads(runner.invoke(main, ["--sandbox", "person", "cio_a3000001", "--json"]).stdout)["person"]
    lead = json.loads(runner.invoke(main, ["--sandbox", "leads", "--json"]).stdout)["leads"][0]
    text = _calls(customer, lead, 3)

    out = runner.invoke(main, ["--sandbox", "preview"], input=text)
    assert out.exit_code == 0, out.output
    first = out.stdout.splitlines()[0]
    assert first.startswith("Summary: 6 call(s): 3 create, ")
    assert "1 update" in first and "1 rejected by Actions" in first
    assert "failed attribute change" in first

    only = runner.invoke(main, ["--sandbox", "preview", "--only", "create"], input=text)
    assert only.exit_code == 0, only.output
    assert "Showing the 3 call(s) with: create (--only create)" in only.stdout
    assert [line.split(" (line")[0] for line in only.stdout.splitlines() if line.startswith("Call ")] == [
        "Call 1",
        "Call 2",
        "Call 3",
    ]
    rejected = runner.invoke(main, ["--sandbox", "preview", "--only", "rejected"], input=text)
    assert [line.split(" (line")[0] for line in rejected.stdout.splitlines() if line.startswith("Call ")] == ["Call 6"]
    assert runner.invoke(main, ["preview", "--only", "nonsense"], input=text).exit_code == 2


def test_offline_summary_says_outcomes_are_not_predicted() -> None:
    results = preview_text("analytics.identify('u1', {email: 'a@b.co'})\nanalytics.page('Docs')\n")
    line = summarize(results).line()
    assert line == "2 call(s): 1 rejected by Actions, outcomes not predicted (offline)"


def _codes(result) -> list[str]:
    return [w.code for w in result.warnings]


def test_ids_with_spaces_too_long_or_differing_only_in_case_are_warned() -> None:
    long_id = "x" * 151
    results = preview_text(
        "analytics.identify('has space id')\n"
        "analytics.identify(' trailing ')\n"
        f"analytics.identify('{long_id}')\n"
        "analytics.identify('Kai-7')\n"
        "analytics.identify('kai-7')\n"
        "analytics.identify('fine-id')\n"
    )
    assert "id_has_space" in _codes(results[0]) and "id_has_space" in _codes(results[1])
    assert "starts or ends with a space" in next(w.explanation for w in results[1].warnings if w.code == "id_has_space")
    assert "id_too_long" in _codes(results[2])
    assert "id_case_variant" not in _codes(results[3])
    [variant] = [w for w in results[4].warnings if w.code == "id_case_variant"]
    assert "'kai-7' differs only in case from the id 'Kai-7' that call 4 sends" in variant.explanation
    assert not {"id_has_space", "id_too_long", "id_case_variant"} & set(_codes(results[5]))


def test_a_new_id_that_is_a_case_variant_of_a_persons_id_in_the_workspace_is_warned() -> None:
    runner = CliRunner()
    customer = json.loads(runner.invoke(main, ["--sandbox", "person", "cio_a3000001", "--json"]).stdout)["person"]
    variant = customer["id"].upper() if customer["id"].upper() != customer["id"] else customer["id"].lower()
    out = runner.invoke(main, ["--sandbox", "preview", "--json"], input=f"analytics.identify('{variant}')\n")
    assert out.exit_code == 0, out.output
    [result] = json.loads(out.stdout)["results"]
    assert result["outcome"]["effects"][0]["kind"] == "creates_person"
    [warning] = [w for w in result["warnings"] if w["code"] == "id_case_variant"]
    assert f"differs only in case from the id '{customer['id']}' of cio_{customer['cio_id']}" in warning["message"]
    same = runner.invoke(main, ["--sandbox", "preview", "--json"], input=f"analytics.identify('{customer['id']}')\n")
    assert "id_case_variant" not in same.stdout
