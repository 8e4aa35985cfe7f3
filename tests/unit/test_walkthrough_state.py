"""Walkthrough state: statuses, skip reasons, atomic persistence and resume after restart."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from cio_tui.walkthrough import STEPS, StepStatus, WalkthroughStore
from cio_tui.walkthrough.models import ClassicSettings, CutoverChoice, IdentifierSettings
from cio_tui.walkthrough.state import WalkthroughStateError
from cio_tui.walkthrough.steps import step_by_key

CONNECT, IDENTIFIERS, AUDIT, PREVIEW = (step_by_key(k).number for k in ("connect", "identifiers", "audit", "preview"))
T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def _workspace(tmp_path, fingerprint="us:abc"):
    return SimpleNamespace(name="Acme", fingerprint=fingerprint, is_sandbox=True, data_dir=tmp_path / "ws")


def test_steps_in_order_each_with_purpose_done_and_area() -> None:
    assert [s.number for s in STEPS] == list(range(1, len(STEPS) + 1))
    assert all(s.purpose and s.done_when and s.areas for s in STEPS)
    assert step_by_key("repair").areas == ("duplicates", "leads", "identifiers", "plan")


def test_new_state_is_all_not_started_and_current_is_step_one(tmp_path) -> None:
    state = WalkthroughStore.for_workspace(_workspace(tmp_path)).load()
    assert state.workspace_name == "Acme"
    assert {st.status for st in state.steps.values()} == {StepStatus.NOT_STARTED}
    assert state.current_step() == STEPS[0].number


def test_skip_needs_reason_and_other_status_clears_it() -> None:
    from cio_tui.walkthrough import WalkthroughState

    state = WalkthroughState()
    with pytest.raises(ValueError, match="needs a reason"):
        state.set_status(AUDIT, "skipped", reason="  ", now=T0)
    state.set_status(AUDIT, "skipped", reason="audited last week", now=T0)
    assert state.step(AUDIT).status_words == "skipped: audited last week"
    state.set_status(AUDIT, StepStatus.IN_PROGRESS, now=T0)
    assert state.step(AUDIT).reason is None and state.step(AUDIT).finished_at is None
    with pytest.raises(KeyError, match=f"steps are numbered 1 to {len(STEPS)}"):
        state.step(len(STEPS) + 1)


def test_state_persists_and_resumes_after_restart(tmp_path) -> None:
    ws = _workspace(tmp_path)
    store = WalkthroughStore.for_workspace(ws, now=lambda: T0)

    def change(state, now):
        state.set_status(CONNECT, StepStatus.DONE, now=now)
        state.set_status(IDENTIFIERS, StepStatus.SKIPPED, reason="id-only, known", now=now)
        state.set_notes(AUDIT, "export of 2026-11-28", now=now)
        state.classic = ClassicSettings(
            site_id="s1", datacenter="eu", convert_to_unix_time=True, connection_mode="cloud"
        )
        state.identifier_settings = IdentifierSettings(mode="id_only", auto_merge=False, email_updates_by_id=True)
        state.cutover = CutoverChoice(method="received_at_filters", cutover_at=T0)
        state.checklist["setup:region"] = True

    store.update(change)
    path = ws.data_dir / "walkthrough.json"
    raw = json.loads(path.read_text())
    saved = raw["steps"][str(IDENTIFIERS)]
    assert saved["status"] == "skipped" and saved["reason"] == "id-only, known"
    assert not list(ws.data_dir.glob(".walkthrough-*")), "no temp file left behind"

    again = WalkthroughStore.for_workspace(ws).load()  # a new process
    assert again.step(CONNECT).status is StepStatus.DONE
    assert again.step(AUDIT).status is StepStatus.IN_PROGRESS and again.step(AUDIT).notes == "export of 2026-11-28"
    assert again.classic.datacenter == "eu" and again.identifier_settings.mode == "id_only"
    assert again.cutover.method == "received_at_filters" and again.cutover.cutover_at == T0
    assert again.checklist == {"setup:region": True}
    assert again.current_step() == AUDIT
    assert again.updated_at == T0


def test_state_of_another_workspace_is_refused(tmp_path) -> None:
    WalkthroughStore.for_workspace(_workspace(tmp_path, "us:aaa")).update(lambda s, n: None)
    with pytest.raises(WalkthroughStateError, match="belongs to another workspace"):
        WalkthroughStore.for_workspace(_workspace(tmp_path, "eu:bbb")).load()


def test_corrupt_state_file_says_what_to_do(tmp_path) -> None:
    ws = _workspace(tmp_path)
    ws.data_dir.mkdir(parents=True)
    (ws.data_dir / "walkthrough.json").write_text("{not json")
    with pytest.raises(WalkthroughStateError, match="Move the file aside"):
        WalkthroughStore.for_workspace(ws).load()


def test_status_json_shape() -> None:
    from cio_tui.walkthrough import WalkthroughState

    state = WalkthroughState(workspace_name="Acme", workspace_fingerprint="us:x")
    state.set_status(CONNECT, "done", now=T0)
    data = state.status_json()
    assert data["current_step"] == CONNECT + 1
    assert data["counts"] == {"not_started": len(STEPS) - 1, "in_progress": 0, "done": 1, "skipped": 0}
    assert data["steps"][CONNECT - 1] == {
        "number": CONNECT,
        "key": "connect",
        "title": "Connect and check the workspace",
        "status": "done",
        "reason": None,
        "notes": "",
        "started_at": T0.isoformat(),
        "finished_at": T0.isoformat(),
    }


def test_the_preview_step_says_which_half_is_left():
    from cio_tui.walkthrough.progress import missing
    from cio_tui.walkthrough.state import WalkthroughState

    state = WalkthroughState()
    assert missing(state, PREVIEW) == [
        "save your app's calls as a set in Preview, then review their behaviour changes here"
    ]
    assert missing(state, PREVIEW, saved_sets=["web", "ios"]) == [
        "read the behaviour changes below, then tick the saved set(s) you reviewed (2 saved)"
    ]
    state.reviewed_sets = ["web"]
    assert missing(state, PREVIEW, saved_sets=["web", "ios"]) == []


SANDBOX_HOSTS = ("http://sandbox.invalid", "http://sandbox.invalid")


@pytest.mark.parametrize(("origins", "sandbox"), [(None, False), (SANDBOX_HOSTS, True)])
def test_the_site_id_risk_compares_the_site_id_alone(tmp_path, origins, sandbox) -> None:
    """A workspace on other hosts (the sandbox, a proxy) has a fingerprint that covers the hosts; the site id typed
    in step 1 is compared with the region and site id alone, so the right site id raises no risk there."""
    from cio_tui.identity.plan import fingerprint
    from cio_tui.walkthrough.risks import open_risks

    ws = SimpleNamespace(
        name="ws",
        region="us",
        is_sandbox=sandbox,
        data_dir=tmp_path,
        profile=SimpleNamespace(site_id="site-123"),
        fingerprint=fingerprint("us", "site-123", origins),
    )
    store = WalkthroughStore.for_workspace(ws)
    state = store.load()
    wrong_site = "site id is not this workspace's site id"

    state.classic = ClassicSettings(site_id="site-123")
    assert not any(wrong_site in r.text for r in open_risks(state))
    state.classic = ClassicSettings(site_id="another-site")
    assert any(wrong_site in r.text for r in open_risks(state))


def test_the_connect_step_is_not_done_while_the_recorded_site_id_is_another_workspaces(tmp_path) -> None:
    """QA2: step 1 counted as done with a site id its own HIGH risk said was another workspace's."""
    from cio_tui.identity.plan import fingerprint
    from cio_tui.walkthrough.models import ConnectionCheck
    from cio_tui.walkthrough.steps import StepContext

    ws = SimpleNamespace(
        name="ws", region="us", is_sandbox=False, data_dir=tmp_path, profile=SimpleNamespace(site_id="site-123"),
        fingerprint=fingerprint("us", "site-123"),
    )  # fmt: skip
    state = WalkthroughStore.for_workspace(ws).load()
    state.connection = ConnectionCheck(checked_at=datetime(2026, 12, 2, tzinfo=UTC), ok=True, region="us")
    settings = {"datacenter": "us", "convert_to_unix_time": True, "connection_mode": "cloud"}
    connect = step_by_key("connect")
    state.classic = ClassicSettings(site_id="another-site", **settings)
    assert connect.needs(state, StepContext()) == [
        "the classic site id recorded is not this workspace's: copy it again from the classic destination's "
        "settings in Segment, or open the workspace it names"
    ]
    state.classic = ClassicSettings(site_id="site-123", **settings)
    assert connect.needs(state, StepContext()) == []
