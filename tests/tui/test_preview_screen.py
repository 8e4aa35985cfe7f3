"""Preview screen: Pilot behaviour (paste, preview, navigate, outcome links, call sets) and snapshots."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import OptionList

from cio_tui.customerio.identifiers import Identifier
from cio_tui.segment.callsets import callsets_dir, list_call_sets
from cio_tui.segment.samples import SAMPLES, all_samples
from cio_tui.tui.widgets.preview_editor import CallEditor, highlight_lines
from tests.tui.conftest import SIZE, SMALL, settle

PASTE = "analytics.identify('u-77', {email: 'u77@example.com', createdAt: '2024-03-01'})\n"


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def paste(pilot: Any, text: str) -> None:
    editor = pilot.app.screen.query_one(CallEditor)
    editor.focus()
    await pilot.pause()
    pilot.app.post_message(events.Paste(text))  # as the terminal driver delivers a paste
    await pilot.pause()


async def test_pasting_a_call_shows_both_destinations(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, PASTE)
        await pilot.press("ctrl+r")
        await settle(pilot)
        classic = text_of(app, "#pane-classic .pane-json")
        actions = text_of(app, "#pane-actions .pane-json")
        assert "PUT /api/v1/customers/u-77" in classic
        assert '"created_at": 1709251200' in classic
        assert "createUpdatePerson\nPOST /api/v2/entity" in actions
        assert '+     "anonymous_id": "anon-pasted-session"' in actions
        assert app.screen.query_one(CallEditor).text == PASTE, repr(app.screen.query_one(CallEditor).text)
        assert "Call 1 of 1 (line 1): identify (userId=u-77)." in app.screen.status_text
        assert "Creates a new person with id u-77 and email u77@example.com." in text_of(app, "#outcome-summary")
        await pilot.press("escape", "w")
        assert "WARNING anonymous_id_attribute" in text_of(app, "#preview-warnings .pane-body")
        assert "What to do:" in text_of(app, "#preview-warnings .pane-body")


async def test_parse_error_names_line_and_column_and_moves_the_cursor(make_app) -> None:
    app = make_app("preview", sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, "analytics.track('ok')\nanalytics.track('x', {a: })")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.screen.status_text.startswith("CANNOT READ line 2, column 26: expected a value")
        assert app.screen.query_one(CallEditor).cursor_location == (1, 25)
        assert app.screen.status_text.endswith("The cursor is there: fix it and press ctrl+r again.")


async def test_parse_error_keeps_the_previous_results_and_says_they_are_previous(make_app) -> None:
    app = make_app("preview", sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, "analytics.identify('u1', {email: 'a@example.com'})\nanalytics.track('Signed Up')")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(app.screen.results) == 2
        await pilot.press("ctrl+end", *" {", "ctrl+r")  # a typo at the end of the paste
        await pilot.pause()
        assert app.screen.status_text.startswith("CANNOT READ line 2")
        assert "The results below are from the previous preview." in app.screen.status_text
        assert len(app.screen.results) == 2 and "u1" in text_of(app, "#pane-classic .pane-json")
        app.screen.action_next_call()
        await pilot.pause()
        assert app.screen.status_text.startswith("PREVIOUS PREVIEW (the editor does not read now")
        await pilot.press("ctrl+end", "backspace", "backspace", "ctrl+r")  # fixed: a fresh preview
        await settle(pilot)
        assert app.screen.status_text.startswith("Call 1 of 2") and not app.screen.stale


async def test_next_call_and_calls_list(make_app) -> None:
    app = make_app("preview", sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.prefill(all_samples())
        await settle(pilot)
        calls = app.screen.query_one("#preview-calls", OptionList)
        assert calls.option_count == 6
        await pilot.press("escape", "n", "n")
        assert app.screen.status_text.startswith("Call 3 of 6")
        assert "trackPageView\nPOST /api/v2/entity" in text_of(app, "#pane-actions .pane-json")
        assert "No workspace is open" in text_of(app, "#outcome-summary")
        await pilot.press("p")
        assert app.screen.status_text.startswith("Call 2 of 6")


async def test_outcome_links_to_people(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        page = await app.workspace.client.search({"attribute": {"field": "id", "operator": "exists"}}, limit=1)
        person = page.identifiers[0]
        app.screen.prefill(f"analytics.track('Paid', {{}}, {{userId: '{person.id}'}})")
        await settle(pilot)
        assert f"lands on cio_{person.cio_id}" in text_of(app, "#outcome-summary")
        opened: list[Any] = []
        app.open_person = opened.append  # type: ignore[method-assign]
        await pilot.press("escape", "o")
        people = app.screen.query_one("#outcome-people", OptionList)
        people.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [Identifier.cio(person.cio_id)]


async def test_outcome_says_the_sandbox_settings_are_assumed(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.prefill(PASTE)
        await settle(pilot)
        text = text_of(app, "#outcome-summary")
        assert "Workspace settings: Assuming an email-or-id workspace with auto-merge on" in text
        assert "(the sandbox's own settings)." in text


async def test_outcome_uses_and_names_the_walkthrough_record_of_a_saved_workspace(make_app, memory_keyring) -> None:
    import json

    from cio_tui.config import Profile, load_settings, save_profile
    from cio_tui.credentials import SERVICE
    from cio_tui.sandbox.embedded import SANDBOX_APP_KEY, SANDBOX_TRACK_KEY
    from tests.tui.conftest import sandbox_profile_fields

    save_profile(Profile(name="staging", region="us", **sandbox_profile_fields()), load_settings())
    memory_keyring.set_password(SERVICE, "staging:track_api_key", SANDBOX_TRACK_KEY)
    memory_keyring.set_password(SERVICE, "staging:app_api_key", SANDBOX_APP_KEY)
    app = make_app("preview", profile="staging")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace is not None and not app.workspace.is_sandbox
        app.workspace.data_dir.mkdir(parents=True, exist_ok=True)
        recorded = {"identifier_settings": {"mode": "id_only", "auto_merge": True, "email_updates_by_id": False}}
        (app.workspace.data_dir / "walkthrough.json").write_text(json.dumps(recorded), encoding="utf-8")
        app.screen.prefill("analytics.identify({email: 'lead-9@example.com'})")
        await settle(pilot)
        text = text_of(app, "#outcome-summary")
        assert "in an id-only workspace email is not an identifier" in text
        assert (
            "Workspace settings: Assuming an id-only workspace with auto-merge on and email updates by id not "
            "allowed (recorded in the Walkthrough, step 2)."
        ) in " ".join(text.split())


async def test_load_sample_and_save_a_set(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("down", "enter")  # second entry: the track sample
        await settle(pilot)
        assert app.screen.query_one(CallEditor).text == SAMPLES["track"]
        assert "track 'Order Completed' (anonymousId=anon-pasted-session)" in app.screen.status_text
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"Checkout", "enter")
        await settle(pilot)
        folder = callsets_dir(app.workspace.data_dir)
        assert [(s.name, s.text) for s in list_call_sets(folder)] == [("Checkout", SAMPLES["track"])]


def test_highlighting_marks_keys_strings_and_calls() -> None:
    lines = ["analytics.identify('u1', {email: \"é@b.c\", n: 1, ok: true}) // hi", "/* a", "b */ x"]
    got = highlight_lines(lines)
    names = [name for _, _, name in got[0]]
    assert names == [
        "function.call",
        "string",
        "json.label",
        "string",
        "json.label",
        "number",
        "json.label",
        "boolean",
        "comment",
    ]
    assert got[1] == [(0, None, "comment")] and got[2][0] == (0, 4, "comment")


# -- snapshots ----------------------------------------------------------------------------------------------


async def _samples(pilot: Any) -> None:
    await settle(pilot)
    pilot.app.screen.prefill(all_samples())
    await settle(pilot)
    await pilot.press("escape")


def test_snapshot_side_by_side(snap_compare, make_app) -> None:
    async def before(pilot: Any) -> None:
        await _samples(pilot)
        await pilot.press("n", "n")  # the page call: name changes, marked ~

    assert snap_compare(make_app("preview"), terminal_size=SIZE, run_before=before)


def test_snapshot_warnings(snap_compare, make_app) -> None:
    async def before(pilot: Any) -> None:
        await _samples(pilot)
        await pilot.press("n", "n", "n", "n", "w")  # the group call

    assert snap_compare(make_app("preview"), terminal_size=SIZE, run_before=before)


def test_snapshot_outcome(snap_compare, make_app) -> None:
    async def before(pilot: Any) -> None:
        await _samples(pilot)
        await pilot.press("o")

    assert snap_compare(make_app("preview"), terminal_size=SIZE, run_before=before)


def test_snapshot_parse_error_small(snap_compare, make_app) -> None:
    async def before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.prefill("analytics.identify('u1', {\n  email: 'a@b.c'\n  plan: 'pro'\n})")
        await settle(pilot)

    assert snap_compare(make_app("preview"), terminal_size=SMALL, run_before=before)


async def test_warnings_wrap_under_their_title_in_a_small_terminal(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await paste(pilot, "analytics.alias('user-1001', 'ada@example.com')\n")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("escape", "w")
        await settle(pilot)
        view = app.screen.query_one("#preview-warnings")
        lines = [line for line in text_of(app, "#preview-warnings .pane-body").splitlines() if line.strip()]
        assert lines[0] == "WARNING alias_merges"
        assert all(line.startswith("WARNING") or line.startswith("\u00a0\u00a0") for line in lines)
        assert any(line.startswith("\u00a0" * 4) for line in lines)  # continuation lines hang under the text
        assert max(len(line) for line in lines) <= view.scrollable_content_region.width  # Textual wraps nothing
        assert any(line.startswith("\u00a0\u00a0What to do: ") for line in lines)


async def test_a_set_name_with_brackets_is_saved_and_listed_as_written(make_app) -> None:
    from textual.widgets import Input

    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, PASTE)
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one(Input).value = "web [/] [bold]prod"
        await pilot.press("enter")
        await settle(pilot)
        assert any(n.message.startswith("Saved the set 'web [/] [bold]prod'") for n in app.notices)
        await pilot.press("ctrl+o")  # MarkupError crashed the app here
        await settle(pilot)
        options = app.screen.query_one("#preview-load-list", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        [saved] = [p for p in prompts if p.startswith("Saved: ")]
        assert saved.startswith("Saved: web [/] [bold]prod (saved ") and saved.endswith(" UTC)")


async def test_own_subscriptions_load_from_a_file_and_replace_the_presets(make_app, tmp_path) -> None:
    import json

    subs = {"data": {"subscriptions": [{
        "id": "s1", "name": "Old track", "actionId": "a", "actionSlug": "trackEvent", "destinationId": "d",
        "enabled": True, "trigger": 'type = "track"',
        "settings": {"id": {"@path": "$.userId"}, "name": {"@path": "$.event"}, "data": {"@path": "$.properties"}},
    }]}}  # fmt: skip
    (tmp_path / "subs.json").write_text(json.dumps(subs))
    (tmp_path / "bad.json").write_text(
        json.dumps({"data": {"subscriptions": [{**subs["data"]["subscriptions"][0], "trigger": "type = "}]}})
    )
    app = make_app("preview", sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, "analytics.track('Signed Up', {plan: 'pro'}, {messageId: 'm-1'})\n")
        await pilot.press("escape", "m")
        prompt = app.screen.query_one("#preview-path")
        prompt.query_one("Input").value = str(tmp_path / "bad.json")
        await pilot.press("enter")
        await settle(pilot)
        assert "NOT LOADED: bad.json: subscription 'Old track' (s1), field trigger: does not parse" in (
            app.screen.status_text
        )
        await pilot.press("m")
        prompt.query_one("Input").value = str(tmp_path / "subs.json")
        await pilot.press("enter")
        await settle(pilot)
        actions = text_of(app, "#pane-actions .pane-json")
        assert "'Old track' trackEvent\nPOST /api/v2/entity" in actions
        assert '"id": "m-1"' not in actions  # the old mapping has no event_id: no dedupe id is sent
        assert app.screen.query_one("#pane-actions").border_title == "Actions (your subscriptions)"
        await pilot.press("M")
        await settle(pilot)
        assert '"id": "m-1"' in text_of(app, "#pane-actions .pane-json")


async def test_live_mappings_say_when_segment_has_no_actions_destination(make_app) -> None:
    app = make_app("preview")  # the sandbox's Segment workspace has only the classic destination
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "tab", "L")  # focus moved off the calls list: L is an action
        await settle(pilot)
        assert app.screen.status_text.startswith("NOT LOADED: The Segment workspace has no Customer.io (Actions) "
                                                 "destination for this site id yet")  # fmt: skip
        assert app.screen.subscriptions is None


async def test_live_mappings_read_the_actions_destination_subscriptions(make_app) -> None:
    from cio_tui.sandbox.segment_catalog import action_id
    from cio_tui.segment_api.connect import open_segment
    from cio_tui.segment_api.models import ACTIONS_METADATA_ID

    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cio = app.screen.cio
        client = open_segment(cio.services.settings, cio.services.credentials, cio.workspace)
        try:
            classic = (await client.list_destinations())[0]
            actions = await client.create_destination(
                {
                    "sourceId": classic.source_id,
                    "metadataId": ACTIONS_METADATA_ID,
                    "name": "CIO Actions",
                    "enabled": False,
                    "settings": {"siteId": cio.workspace.profile.site_id, "apiKey": "key"},
                }
            )
            await client.create_subscription(
                actions.id,
                {
                    "name": "Old track",
                    "actionId": action_id("trackEvent"),
                    "enabled": True,
                    "trigger": 'type = "track"',
                    "settings": {"id": {"@path": "$.userId"}, "name": {"@path": "$.event"}},
                },
            )
        finally:
            await client.aclose()  # fmt: skip
        await paste(pilot, "analytics.track('Signed Up', {plan: 'pro'}, {messageId: 'm-1'})\n")
        await pilot.press("escape", "tab", "L")  # focus moved off the calls list: L is an action
        await settle(pilot)
        assert app.screen.subscriptions is not None
        assert [s.name for s in app.screen.subscriptions.subscriptions] == ["Old track"]
        actions_text = text_of(app, "#pane-actions .pane-json")
        assert "'Old track' trackEvent\nPOST /api/v2/entity" in actions_text
        assert '"id": "m-1"' not in actions_text


def _batching_subscriptions(tmp_path) -> str:
    import json

    from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, default_mapping

    subs = [
        {"id": f"s-{slug}", "name": name, "actionId": "a", "actionSlug": slug, "destinationId": "d", "enabled": True,
         "trigger": DEFAULT_TRIGGERS[slug],
         "settings": {**default_mapping(slug), "enable_batching": True, "batch_size": 10}}
        for slug, name in (("trackEvent", "Events"), ("trackPageView", "Pages"))
    ]  # fmt: skip
    path = tmp_path / "batching.json"
    path.write_text(json.dumps({"data": {"subscriptions": subs}}))
    return str(path)


BATCHED_CALLS = (
    "analytics.track('Signed Up', {plan: 'pro'}, {messageId: 'm-1', userId: 'u1'})\n"
    f"analytics.track('Signed Up', {{}}, {{messageId: 'm-2', userId: '{'x' * 151}'}})\n"
    "analytics.page('Home', {title: 'no url'}, {userId: 'u1'})\n"
)


async def _load_batching(pilot: Any, tmp_path) -> None:
    await settle(pilot)
    await paste(pilot, BATCHED_CALLS)
    await pilot.press("escape", "m")
    pilot.app.screen.query_one("#preview-path").query_one("Input").value = _batching_subscriptions(tmp_path)
    await pilot.press("enter")
    await settle(pilot)


async def test_batches_show_the_batch_body_and_the_per_item_errors(make_app, tmp_path) -> None:
    from textual.widgets import TabbedContent

    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tabs = app.screen.query_one("#preview-tabs", TabbedContent)
        assert not tabs.get_tab("tab-batches").display  # the presets: no batches tab
        await pilot.press("escape", "b")
        assert tabs.active != "tab-batches"
        await _load_batching(pilot, tmp_path)
        await pilot.press("b")
        await settle(pilot)
        assert tabs.active == "tab-batches"
        assert str(tabs.get_tab("tab-batches").label) == "Batches (1 sent, 2 failed)"
        shown = text_of(app, "#preview-batches .pane-body")
        assert "1 batch request(s) of 2 item(s); 1 item(s) Customer.io refuses (207); 1 event(s) Segment" in shown
        assert "207s predicted on the what-if copy of this workspace's people" in shown
        assert "subscription 'Events' (trackEvent): POST /api/v2/batch, 2 item(s) from call(s) 1, 2" in shown
        assert '"batch": [' in shown and '\u00a0"name": "Signed Up"' in shown
        assert 'Customer.io answers 207: {"errors": [{"batch_index": 1, "reason": ' in shown
        assert "call 2: Segment reports status 400: " in shown and "150 bytes" in shown
        assert "subscription 'Pages' (trackPageView): nothing sent" in shown
        assert "call 3: Segment reports status 400 (PAYLOAD_VALIDATION_FAILED, not sent): The root value is " in shown
        await pilot.press("M")  # back to the presets: the tab goes
        await settle(pilot)
        assert not tabs.get_tab("tab-batches").display and tabs.active == "tab-requests"


async def test_batches_without_a_workspace_are_predicted_on_an_empty_one(make_app, tmp_path) -> None:
    app = make_app("preview", sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await _load_batching(pilot, tmp_path)
        await pilot.press("b")
        await settle(pilot)
        assert "207s predicted on an empty workspace (no workspace is open" in text_of(
            app, "#preview-batches .pane-body"
        )


def test_snapshot_batches(snap_compare, make_app, tmp_path) -> None:
    async def before(pilot: Any) -> None:
        await _load_batching(pilot, tmp_path)
        await pilot.press("b")
        pilot.app.clear_notifications()
        await settle(pilot)

    assert snap_compare(make_app("preview"), terminal_size=SIZE, run_before=before)
