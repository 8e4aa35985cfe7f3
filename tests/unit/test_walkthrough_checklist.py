"""Behaviour changes (step 4) and the Prepare Actions checklist (step 6) generated from given previewed calls."""

from __future__ import annotations

from cio_tui.walkthrough import WalkthroughState
from cio_tui.walkthrough.behaviour import behaviour_changes, behaviour_markdown
from cio_tui.walkthrough.calls import PreviewedCall
from cio_tui.walkthrough.checklist import build_checklist, checklist_markdown
from cio_tui.walkthrough.models import ClassicSettings


def _result(message, actions, warnings=(), errors=()):
    return {
        "input": message,
        "classic": {"requests": [], "notes": []},
        "actions": {
            "requests": [{"action": a, "method": "POST", "path": "/api/v2/entity", "body": {}} for a in actions],
            "errors": [{"action": a, "message": m} for a, m in errors],
        },
        "diff": [],
        "warnings": [{"code": c, "message": f"{c} message"} for c in warnings],
        "outcome": None,
    }


CALLS = [
    PreviewedCall.from_result(r, set_name="web")
    for r in (
        _result(
            {"type": "identify", "userId": "u1", "traits": {"email": "a@b.co"}},
            ["createUpdatePerson"],
            ["anonymous_id_attribute"],
        ),
        _result({"type": "track", "userId": "u1", "event": "User Deleted"}, ["deletePerson"], ["reserved_event"]),
        _result(
            {"type": "track", "anonymousId": "an1", "event": "Signed Up"}, ["trackEvent"], ["classic_drops_anonymous"]
        ),
        _result(
            {"type": "page", "userId": "u1", "name": "Pricing", "properties": {}},
            [],
            ["page_name_changes"],
            [("trackPageView", "The root value is missing the required field 'url'.")],
        ),
        _result({"type": "screen", "userId": "u1", "name": "Home"}, ["trackScreenView"], ["screen_name_changes"]),
        _result(
            {"type": "group", "userId": "u1", "groupId": "g1", "traits": {"plan": "pro"}},
            ["createUpdateObject"],
            ["group_traits_ignored"],
        ),
        _result({"type": "alias", "userId": "u1", "previousId": "anon-1"}, ["mergePeople"], ["alias_merges"]),
    )
]


def test_behaviour_changes_grouped_by_code_most_severe_first() -> None:
    changes = behaviour_changes(CALLS)
    codes = [c.code for c in changes]
    assert codes[:3] == ["alias_merges", "missing_required_field", "reserved_event"]
    reserved = next(c for c in changes if c.code == "reserved_event")
    assert reserved.calls == ['track "User Deleted" [web]'] and reserved.severity == "high"
    missing = next(c for c in changes if c.code == "missing_required_field")
    assert missing.calls == ['page "Pricing" [web]']
    assert "missing the required field 'url'" in missing.messages[0]
    text = behaviour_markdown(changes)
    assert "**alias now merges people** (high risk, 1 call(s))" in text


def test_checklist_from_calls_and_settings() -> None:
    state = WalkthroughState(
        classic=ClassicSettings(site_id="s1", datacenter="eu", convert_to_unix_time=False, connection_mode="device")
    )
    items = {i.key: i for i in build_checklist(CALLS, state)}
    assert items["setup:region"].title == "Set Account Region to EU"
    assert '"EU 🇪🇺"' in items["setup:region"].why
    assert "setup:device-mode" in items
    assert items["preset:createUpdatePerson"].title == "Keep the Create or Update Person preset"
    assert items["preset:mergePeople"].title == "Decide on the Merge People preset: keep only if wanted"
    assert items["preset:suppressPerson"].title == "Disable the Suppress Person preset"
    assert items["reserved:User Deleted"].title == (
        'Rename the "User Deleted" event or remove it from the Delete Person trigger'
    )
    assert "pages:remap-name" in items and "pages:url" in items
    assert '"Viewed Home Screen"' in items["screens:remap"].why
    assert "objects:type" in items
    assert 'track "Signed Up" [web]' in items["anonymous:merging"].why
    assert items["types:convert-timestamps"].title.startswith("Turn off Convert Timestamps")


def test_checklist_without_calls_disables_new_behaviour_only() -> None:
    items = {i.key for i in build_checklist([], WalkthroughState())}
    assert "preset:mergePeople" in items and "preset:createUpdatePerson" not in items
    assert not any(k.startswith(("reserved:", "pages:", "screens:", "objects:")) for k in items)


def test_checklist_markdown_marks_ticked_items() -> None:
    items = build_checklist([], WalkthroughState())
    text = checklist_markdown(items, {"setup:region": True}, title="Prepare Actions: Acme")
    assert text.startswith("# Prepare Actions: Acme\n\n## Setup\n")
    assert "- [x] Set Account Region to US" in text
    assert "- [ ] Build the Actions destination on a dev/test source first" in text
    assert text.rstrip().endswith(f"1 of {len(items)} items done.")
