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
        "Call 1", "Call 2", "Call 3",
    ]
    rejected = runner.invoke(main, ["--sandbox", "preview", "--only", "rejected"], input=text)
    assert [line.split(" (line")[0] for line in rejected.stdout.splitlines() if line.startswith("Call ")] == ["Call 6"]
    assert runner.invoke(main, ["preview", "--only", "nonsense"], input=text).exit_code == 2


def test_offline_summary_says_outcomes_are_not_predicted() -> None:
    results = preview_text("analytics.identify('u1', {email: 'a@b.co'})\nanalytics.page('Docs')\n")
    line = summarize(results).line()
    assert line == "2 call(s): 1 rejected by Actions, outcomes not predicted (offline)"
