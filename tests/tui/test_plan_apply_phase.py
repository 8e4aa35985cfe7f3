"""Plan/Apply phases without an app: which keys each phase offers, and how engine events and endings move them."""

from __future__ import annotations

from types import SimpleNamespace

from cio_tui.tui.viewmodels.plan_phase import action_allowed, end_state, phase_after


def _event(paused=False, cancelled=False, finished=False):
    return SimpleNamespace(paused=paused, cancelled=cancelled, finished=finished)


def test_keys_follow_the_phase():
    assert action_allowed("apply", "empty", has_plan=False) is False  # hidden: the footer keeps room for live keys
    assert action_allowed("apply", "review", has_plan=True) is True
    assert action_allowed("open_file", "applying", has_plan=True) is False
    assert action_allowed("open_file", "finished", has_plan=True) is True
    assert [action_allowed("pause", p, True) for p in ("review", "applying", "paused", "cancelling")] == [
        False,
        True,
        True,
        False,
    ]
    assert action_allowed("journal", "applying", has_plan=True) is True
    # a big plan still filling its table: apply and check run, to be refused in words; opening another is fine
    assert [action_allowed(a, "loading", True) for a in ("apply", "check", "open_file", "save_file")] == [True] * 4


def test_engine_events_move_the_phase():
    assert phase_after(_event(paused=True), "applying") == "paused"
    assert phase_after(_event(), "paused") == "applying"
    assert phase_after(_event(cancelled=True), "applying") == "cancelling"
    assert phase_after(_event(cancelled=True, finished=True), "cancelling") == "cancelling"
    assert phase_after(_event(), "applying") == "applying"


def test_end_state_in_words():
    assert end_state(None, "network down") == "failed"
    assert end_state(SimpleNamespace(cancelled=True), "") == "cancelled"
    assert end_state(SimpleNamespace(cancelled=False), "") == "finished"
