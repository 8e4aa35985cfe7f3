"""Walkthrough area (Pilot): what the operator records is persisted per workspace and resumes after a restart."""

from __future__ import annotations

import json

import pytest
from textual import events
from textual.widgets import Button, Input, Select, Static

from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.modals.walkthrough_skip import SkipStepModal
from cio_tui.tui.widgets.walkthrough_steps import StepList
from cio_tui.tui.widgets.walkthrough_ticklist import TickList
from cio_tui.walkthrough.steps import STEP_COUNT, STEPS
from tests.tui.conftest import FIXED_NOW, SIZE, settle

N = {step.key: step.number for step in STEPS}


def _state(app) -> dict:
    return json.loads((app.workspace.data_dir / "walkthrough.json").read_text())


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _goto_step(pilot, number: int) -> None:
    pilot.app.screen.query_one(StepList).highlighted = number - 1
    await settle(pilot)  # a first visit composes and fills the panel: one pause is too short on a busy machine


@pytest.mark.long(8)
async def test_settings_statuses_and_notes_persist_and_resume(make_app):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(StepList).step_number == 1
        await _goto_step(pilot, N["identifiers"])
        app.screen.query_one("#wt-id-mode", Select).value = "id_only"
        app.screen.query_one("#wt-auto-merge", Select).value = False
        app.screen.query_one("#wt-email-by-id", Select).value = True
        await settle(pilot)
        state = _state(app)
        assert state["identifier_settings"] == {"mode": "id_only", "auto_merge": False, "email_updates_by_id": True}
        assert (
            state["steps"][str(N["identifiers"])]["status"] == "done"
        )  # every setting recorded: the step completes itself
        assert "Id only: email is a plain, non-unique attribute" in _text(app, "#wt-id-meaning")

        await _goto_step(pilot, N["audit"])
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SkipStepModal)
        await pilot.press("enter")  # no reason: refused
        await pilot.pause()
        assert isinstance(app.screen, SkipStepModal)
        app.post_message(events.Paste("audited last week"))  # the reason pasted: one event, not 17 keys
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert _state(app)["steps"][str(N["audit"])] == {
            **_state(app)["steps"][str(N["audit"])],
            "status": "skipped",
            "reason": "audited last week",
        }

        await _goto_step(pilot, N["connect"])
        await pilot.press("d")  # nothing recorded yet: asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert _state(app)["steps"][str(N["connect"])]["status"] == "done"

        app.screen.query_one("#wt-notes", Input).value = "classic settings read from the Segment UI"
        app.screen.query_one("#wt-notes", Input).post_message(
            Input.Submitted(app.screen.query_one("#wt-notes", Input), "")
        )
        await settle(pilot)
        assert _state(app)["steps"][str(N["connect"])]["notes"] == "classic settings read from the Segment UI"

        await _goto_step(pilot, N["preview"])
        await pilot.press("o")  # opens the area that does the step
        await settle(pilot)
        assert app.current_mode == "preview"

    again = make_app("walkthrough")  # a restart on the same data dir
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        steps = again.screen.query_one(StepList)
        assert steps.step_number == N["audit"] + 1  # the first unfinished step
        lines = [str(steps.get_option_at_index(i).prompt) for i in range(4)]
        assert lines[0].startswith("1 Connect") and lines[0].endswith("done")
        assert lines[2].endswith("skipped") and lines[3].endswith("not started")
        assert f"3 of {STEP_COUNT} steps finished." in _text(again, "#wt-progress")
        await _goto_step(pilot, N["connect"])
        assert again.screen.query_one("#wt-notes", Input).value == "classic settings read from the Segment UI"


@pytest.mark.long(8)
async def test_connection_audit_checklist_cutover_verify_and_report(make_app, tmp_path):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#wt-check", Button).press()
        site = app.screen.query_one("#wt-site-id", Input)
        site.value = "abc123"
        site.post_message(Input.Submitted(site, "abc123"))
        await settle(pilot)
        state = _state(app)
        assert state["connection"]["ok"] is True and state["connection"]["region"] == "us"
        assert state["classic"]["site_id"] == "abc123" and state["steps"][str(N["connect"])]["status"] == "in_progress"
        assert "keys valid, region US" in _text(app, "#wt-connection")

        await _goto_step(pilot, N["audit"])
        app.screen.query_one("#wt-audit-live", Button).press()
        await settle(pilot)
        audit = _state(app)["audit"]
        assert audit["source"] == "live" and audit["people"] > 0 and audit["leads"] > 0
        assert _state(app)["steps"][str(N["audit"])]["status"] == "done"
        chart = _text(app, "#wt-audit-chart")
        assert "Email-only leads  " in chart and str(audit["leads"]) in chart
        app.screen.query_one("#wt-audit-path", Input).value = str(tmp_path / "missing.csv")
        app.screen.query_one("#wt-audit-export", Button).press()
        await settle(pilot)
        assert _state(app)["audit"] == audit  # a failed audit changes nothing
        assert any("cannot open the export" in n.message for n in app.notices)

        await _goto_step(pilot, N["prepare"])
        checklist = app.screen.query_one("#wt-checklist", TickList)
        checklist.toggle("setup:region")
        await settle(pilot)
        assert _state(app)["checklist"] == {"setup:region": True}
        out = tmp_path / "checklist.md"
        app.screen.query_one("#wt-check-path", Input).value = str(out)
        app.screen.query_one("#wt-check-export", Button).press()
        await settle(pilot)
        assert "- [x] Set Account Region to US" in out.read_text()

        await _goto_step(pilot, N["cutover"])
        app.screen.query_one("#wt-cut-method", Select).value = "received_at_filters"
        app.screen.query_one("#wt-cut-now", Button).press()
        await settle(pilot)
        assert _state(app)["cutover"]["method"] == "received_at_filters"
        assert _state(app)["cutover"]["cutover_at"].startswith(FIXED_NOW.strftime("%Y-%m-%dT%H:%M"))
        assert _state(app)["steps"][str(N["cutover"])]["status"] == "done"

        await _goto_step(pilot, N["verify"])
        app.screen.query_one("#wt-verify", Button).press()
        await settle(pilot)
        verify = _state(app)["verify"]
        assert verify["sampled"] > 0 and len(verify["checks"]) == 5
        assert "PASS" in _text(app, "#wt-verify-result") or "FAIL" in _text(app, "#wt-verify-result")

        await _goto_step(pilot, STEP_COUNT)
        report = tmp_path / "report.md"
        app.screen.query_one("#wt-report-path", Input).value = str(report)
        app.screen.query_one("#wt-report", Button).press()
        await settle(pilot)
        text = report.read_text()
        assert f"| {N['cutover']} | Cut over without double sending | done |" in text and "## Open risks" in text
        # all but the audit and the cut-over are still open: a progress report, and the panel says so
        assert _state(app)["steps"][str(N["report"])]["status"] == "in_progress"
        still_open = ", ".join(str(s.number) for s in STEPS[:-1] if s.key not in ("audit", "cutover"))
        assert (
            f"That was a progress report: step(s) {still_open} are still open; export again once they are "
            "finished or skipped." in _text(app, "#wt-report-done")
        )


async def test_cleanup_plan_is_confirmed_then_handed_to_plan_apply(make_app, tmp_path):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        page = await app.workspace.client.search({"attribute": {"field": "id", "operator": "exists"}}, limit=2)
        person = page.identifiers[0]
        csv_path = tmp_path / "gdpr.csv"
        csv_path.write_text(f"identifier,action\n{person.id},suppress\nnobody-here,delete\n")
        await _goto_step(pilot, N["repair"])
        app.screen.query_one("#wt-cleanup-path", Input).value = str(csv_path)
        app.screen.query_one("#wt-cleanup", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        body = str(app.screen.body_text)
        assert "0 to delete, 1 to suppress, 1 left out" in body and "suppression cannot be undone" in body
        await pilot.press("y")
        await settle(pilot)
        assert app.current_mode == "plan"
        state = json.loads((app.workspace.data_dir / "walkthrough.json").read_text())
        [record] = state["plans"]
        assert record["kind"] == "delete-suppress" and record["operations"] == 1
        saved = app.workspace.data_dir / "plans" / f"cleanup-{record['plan_id']}.json"
        assert json.loads(saved.read_text())["operations"][0]["kind"] == "suppress"


async def test_unreadable_state_file_is_explained_not_crashed(make_app):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (app.workspace.data_dir / "walkthrough.json").write_text("{broken")
        await pilot.press("r")
        await settle(pilot)
        assert "Move the file aside" in _text(app, "#wt-progress")
        await _goto_step(pilot, N["cutover"])
        app.screen.query_one("#wt-cut-at", Input).value = "next tuesday"
        app.screen.query_one("#wt-cut-at", Input).post_message(
            Input.Submitted(app.screen.query_one("#wt-cut-at", Input), "next tuesday")
        )
        await settle(pilot)
        assert "YYYY-MM-DD HH:MM" in _text(app, "#wt-cut-error")


async def test_failed_export_says_what_to_do_and_does_not_finish_step_9(make_app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _goto_step(pilot, STEP_COUNT)
        app.screen.query_one("#wt-report-path", Input).value = str(blocker / "report.md")  # a folder that is a file
        app.screen.query_one("#wt-report", Button).press()
        await settle(pilot)
        state = app.screen.overview.state
        assert state.step(STEP_COUNT).status == "not_started" and state.report_exported_at is None
        assert not (app.workspace.data_dir / "walkthrough.json").exists()  # nothing changed, nothing saved
        assert _text(app, "#wt-report-done") == "Not exported yet."
        [note] = [n for n in app.notices if n.title == "Export failed"]
        assert f"Could not write the report to {blocker / 'report.md'}" in note.message
        assert "Type another path" in note.message

        good = tmp_path / "report.md"
        app.screen.query_one("#wt-report-path", Input).value = str(good)
        app.screen.query_one("#wt-report", Button).press()
        await settle(pilot)
        assert (
            good.is_file() and _state(app)["steps"][str(N["report"])]["status"] == "in_progress"
        )  # the other steps are open
        assert _text(app, "#wt-report-done").startswith("Last exported 2026-")
        assert any(n.message == f"The report is written to {good}" for n in app.notices)


async def test_another_step_opens_at_its_title_and_an_empty_audit_says_so(make_app):
    from types import SimpleNamespace

    from cio_tui.tui.widgets.walkthrough_panels import repair_hints

    app = make_app("walkthrough")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _goto_step(pilot, N["identifiers"])
        detail = app.screen.query_one("#wt-detail")
        detail.scroll_end(animate=False)
        await pilot.pause()
        assert detail.scroll_y > 0
        await _goto_step(pilot, N["audit"])
        await pilot.pause()
        assert detail.scroll_y == 0  # the title of the audit step is in view
        assert _text(app, "#wt-title") == f"Step 3 of {STEP_COUNT}: Audit the people\nStatus: not started"

    audit = SimpleNamespace(duplicate_group_total=0, leads=0, email_as_id=0, case_variant_ids=0, taken_at=FIXED_NOW)
    overview = SimpleNamespace(state=SimpleNamespace(audit=audit), journal=SimpleNamespace(plans=[]))
    assert repair_hints(overview)[0] == "The audit of 2026-11-29 12:00 UTC found nothing to repair."
    audit.leads = 3
    assert repair_hints(overview)[:2] == [
        f"From the audit of 2026-11-29 12:00 UTC (audit again in step {N['audit']} to count what is left after "
        "repairs):",
        "- 3 email-only lead(s) to give an id: Open Leads",
    ]


async def test_audit_chart_rows_fit_a_small_terminal(make_app):
    from tests.tui.conftest import SMALL

    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _goto_step(pilot, N["audit"])
        app.screen.query_one("#wt-audit-live", Button).press()
        await settle(pilot)
        chart = app.screen.query_one("#wt-audit-chart", Static)
        lines = _text(app, "#wt-audit-chart").splitlines()
        assert lines[0].startswith("Email-only leads  ") and lines[0].rstrip().endswith("█")
        assert max(len(line) for line in lines) <= chart.content_size.width  # no row wraps
        assert chart.content_size.height == len(lines)  # one screen row per chart row
        assert "Suppressed: not counted" in _text(app, "#wt-audit-summary")


async def test_behaviour_changes_say_why_for_each_change(make_app):
    from cio_tui.segment.callsets import save_call_set
    from cio_tui.walkthrough._segment_adapter import callsets_dir

    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        save_call_set(callsets_dir(app.workspace.data_dir), "web", "analytics.page('Home')\n", now=FIXED_NOW)
        await pilot.press("r")
        await settle(pilot)
        await _goto_step(pilot, N["preview"])
        text = _text(app, "#wt-changes")
        assert "HIGH Calls the Actions destination rejects (1 call(s))" in text
        assert (
            "why: Actions rejects this call in trackPageView: The root value is missing the required field 'url'."
            in text
        )
        assert text.count("What to do") == 0  # the to-do is said once, on the change's own line


async def test_next_step_moves_forward_past_an_unfinished_step_then_wraps(make_app, tmp_path):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        steps = app.screen.query_one(StepList)
        assert steps.step_number == 1
        await pilot.press("n")
        assert steps.step_number == 2  # step 1 is not finished, but "next" goes forward
        await _goto_step(pilot, STEP_COUNT)
        await pilot.press("n")
        assert steps.step_number == 1  # nothing unfinished after the last: back to the first unfinished

        await _goto_step(pilot, N["prepare"])
        out = tmp_path / "new-folder" / "checklist.md"
        app.screen.query_one("#wt-check-path", Input).value = str(out)
        app.screen.query_one("#wt-check-export", Button).press()
        await settle(pilot)
        assert out.read_text().startswith("#")  # the folder is made, as for the report


async def test_cleanup_rows_with_brackets_are_shown_as_written(make_app, tmp_path):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        page = await app.workspace.client.search({"attribute": {"field": "id", "operator": "exists"}}, limit=1)
        csv_path = tmp_path / "gdpr.csv"
        csv_path.write_text(f"identifier,action\n{page.identifiers[0].id},delete\nx[/]y,delete\n")
        await _goto_step(pilot, N["repair"])
        app.screen.query_one("#wt-cleanup-path", Input).value = str(csv_path)
        app.screen.query_one("#wt-cleanup", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # MarkupError crashed the app here
        assert "line 3: x[/]y left out" in str(app.screen.query_one(".dialog-body", Static).render())


async def test_long_open_risks_scroll_in_the_left_column_at_80x24(make_app):
    from tests.tui.conftest import SMALL

    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#wt-progress-box")
        progress = app.screen.query_one("#wt-progress", Static)
        progress.update("\n".join(f"HIGH: risk {n}" for n in range(30)))
        await pilot.pause()
        assert progress.size.height == 30 and box.size.height < 30  # all of it is there, the box scrolls
        assert box.max_scroll_y > 0


async def test_the_scrollable_step_detail_shows_when_it_has_the_focus(make_app):
    from tests.tui.conftest import SMALL

    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        detail = app.screen.query_one("#wt-detail")
        before = detail.styles.background_tint
        await pilot.press("tab")  # from the step list to the detail, which scrolls at 80x24
        await pilot.pause()
        assert app.focused is detail
        assert detail.styles.background_tint != before and detail.styles.background_tint.a > 0


async def test_step_4_rehearses_on_traffic_from_the_workspace_people(make_app, tmp_path):
    traffic = tmp_path / "traffic.jsonl"
    at = "2024-01-01T00:00:0{}Z".format
    calls = [
        {"type": "identify", "userId": "rehearse-a", "receivedAt": at(1), "traits": {"email": "ra@x.io"}},
        {"type": "identify", "userId": "rehearse-b", "receivedAt": at(2), "traits": {"email": "rb@x.io"}},
        {"type": "alias", "userId": "rehearse-a", "previousId": "rehearse-b", "receivedAt": at(3)},
        {"type": "identify", "userId": "u0000002", "receivedAt": at(4), "traits": {"plan": "pro"}},  # a sandbox person
    ]
    traffic.write_text("\n".join(json.dumps(c) for c in calls) + "\nnot json\n")
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _goto_step(pilot, N["preview"])
        app.screen.query_one("#wt-traffic-path", Input).value = str(traffic)
        app.screen.query_one("#wt-rehearse", Button).press()
        await settle(pilot)
        for _ in range(50):  # the sandbox's people export, then the replay in a thread
            if _state(app).get("rehearsal"):
                break
            await pilot.pause(0.1)
        record = _state(app)["rehearsal"]
        assert (record["calls"], record["malformed"]) == (4, 1)
        # only the people the traffic names are read from the workspace: of them, u0000002 exists
        assert record["starting_people"] == 1 and record["kinds"]["merged_by_alias"] == 1
        assert record["starting_from"].startswith("the people the traffic names, read from the workspace (3 id(s)")
        assert record["mappings"] == "default presets"
        assert record["kinds"]["created_only_classic"] == 1  # rehearse-b survives only under classic
        await settle(pilot)
        shown = _text(app, "#wt-rehearsal")
        assert "4 calls (1 malformed skipped) from 1 people: the people the traffic names" in shown
        assert "merged_by_alias 1" in shown and "Actions mappings: default presets." in shown
        with open(record["report_path"], encoding="utf-8") as fh:
            assert "| `merged_by_alias` | 1 |" in fh.read()
        merged = next(i for i, e in enumerate(record["examples"]) if e["kind"] == "merged_by_alias")
        assert record["examples"][merged]["line"] == 3
        assert record["examples"][merged]["created_under"] == "actions"
        app.screen.query_one("#wt-examples", Select).value = merged
        app.screen.query_one("#wt-example-person", Button).press()  # made by the replay: People is told so
        await settle(pilot)
        assert app.current_mode == "people"
        assert any("exists only in the rehearsal (created under actions)" in str(n.message) for n in app.notices)
        app.switch_mode("walkthrough")
        await settle(pilot)
        app.screen.query_one("#wt-examples", Select).value = merged
        app.screen.query_one("#wt-example-call", Button).press()
        await settle(pilot)
        assert app.screen.AREA == "preview"  # the alias call opened in Preview
        assert '"previousId": "rehearse-b"' in app.screen.query_one("#preview-editor").text
        assert _state(app)["steps"][str(N["preview"])]["status"] == "in_progress"


async def _rehearse(pilot, traffic, subscriptions: str = "") -> None:
    app = pilot.app
    app.screen.query_one("#wt-traffic-path", Input).value = str(traffic)
    app.screen.query_one("#wt-traffic-subs", Input).value = subscriptions
    app.screen.query_one("#wt-rehearse", Button).press()
    await settle(pilot)
    for _ in range(50):  # the traffic pass and the reads, then the replay in a thread
        if not any(w.is_running for w in app.workers):
            break
        await pilot.pause(0.1)
    await settle(pilot)


async def test_step_4_rehearses_with_a_subscriptions_file_and_its_examples_and_report_open(make_app, tmp_path):
    from textual.widgets import Markdown

    from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, default_mapping
    from cio_tui.tui.modals.report_view import ReportModal

    traffic = tmp_path / "traffic.jsonl"
    calls = [
        {"type": "identify", "userId": "u0000002", "traits": {"plan": "pro"},
         "receivedAt": "2024-01-01T00:00:10Z", "timestamp": "2024-01-01T00:00:10Z"},
        # late: older than the update before it, so Actions (which sends the timestamp) drops it
        {"type": "identify", "userId": "u0000002", "traits": {"plan": "old"},
         "receivedAt": "2024-01-01T00:00:11Z", "timestamp": "2024-01-01T00:00:05Z"},
    ]  # fmt: skip
    traffic.write_text("\n".join(json.dumps(c) for c in calls) + "\n")
    sub = {"id": "s1", "name": "People", "actionId": "a", "actionSlug": "createUpdatePerson", "destinationId": "d",
           "enabled": True, "trigger": DEFAULT_TRIGGERS["createUpdatePerson"],
           "settings": default_mapping("createUpdatePerson")}  # fmt: skip
    good, bad = tmp_path / "subs.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"data": {"subscriptions": [sub]}}))
    bad.write_text(json.dumps({"data": {"subscriptions": [{**sub, "trigger": 'type = "identify" and ('}]}}))
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _goto_step(pilot, N["preview"])
        await _rehearse(pilot, traffic, str(bad))
        state = app.workspace.data_dir / "walkthrough.json"
        assert not state.exists() or "rehearsal" not in _state(app)  # refused before anything is read
        [said] = [str(n.message) for n in app.notices if n.title == "Rehearsal"]
        assert said.startswith("cannot use the subscriptions in bad.json: subscription 'People' (s1), field trigger:")

        await _rehearse(pilot, traffic, str(good))
        record = _state(app)["rehearsal"]
        assert record["mappings"] == "your subscriptions from subs.json: 1 enabled subscription(s): People " \
            "(createUpdatePerson)"  # fmt: skip
        assert record["starting_people"] == 1 and record["kinds"]["dropped_by_timestamp_order"] == 1
        assert "Actions mappings: your subscriptions from subs.json" in _text(app, "#wt-rehearsal")
        with open(record["report_path"], encoding="utf-8") as fh:
            report = fh.read()
        assert "- Actions mappings: your subscriptions from subs.json: 1 enabled subscription(s)" in report
        assert "- Starting people: 1 (the same in both copies): the people the traffic names, read from" in report

        # the report opens in the app
        app.screen.query_one("#wt-rehearsal-report", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, ReportModal)
        shown = app.screen.query_one(Markdown)
        assert shown.source.startswith("# Rehearsal on real traffic")
        assert "cio_id a3000002, id u0000002" in shown.source
        await pilot.press("escape")
        await settle(pilot)

        # the example person opens in People
        dropped = next(i for i, e in enumerate(record["examples"]) if e["kind"] == "dropped_by_timestamp_order")
        assert record["examples"][dropped]["lookup"] == "cio_a3000002"
        app.screen.query_one("#wt-examples", Select).value = dropped
        app.screen.query_one("#wt-example-person", Button).press()
        await settle(pilot)
        assert app.current_mode == "people"
        assert app.screen.card.person.cio_id == "a3000002"
