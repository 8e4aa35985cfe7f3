"""Each Walkthrough step is one object: its texts, its panel, its own "what is missing" rule; the count comes from
the list."""

from __future__ import annotations

from importlib import util

import pytest

from cio_tui.walkthrough.progress import missing
from cio_tui.walkthrough.state import WalkthroughState
from cio_tui.walkthrough.steps import REPORT_STEP, STEP_COUNT, STEPS, StepContext, step_by_key


def test_steps_are_numbered_from_the_list_and_each_names_its_panel_module():
    assert [s.number for s in STEPS] == list(range(1, STEP_COUNT + 1))
    assert REPORT_STEP == STEP_COUNT and STEPS[-1].key == "report"
    assert len({s.key for s in STEPS}) == STEP_COUNT
    for step in STEPS:
        module, cls = step.panel.split(":")
        assert util.find_spec(f"cio_tui.tui.widgets.{module}") is not None, step.panel
        assert cls.endswith("Panel") and step.title and step.purpose and step.done_when and step.short


def test_missing_is_the_steps_own_rule():
    state = WalkthroughState()
    for step in STEPS:
        assert missing(state, step.number) == step.needs(state, StepContext())
    assert missing(state, step_by_key("audit").number) == ["run the audit on the live workspace or an export"]
    assert missing(state, step_by_key("prepare").number) == ["open the checklist"]
    [left] = missing(state, REPORT_STEP)
    assert left.startswith(f"finish or skip step(s) {', '.join(str(n) for n in range(1, STEP_COUNT))}, then")


def test_a_step_records_only_recorded_fields():
    from datetime import UTC, datetime

    from cio_tui.walkthrough.models import CutoverChoice
    from cio_tui.walkthrough.state import StepStatus

    now = datetime(2026, 1, 2, tzinfo=UTC)
    state = WalkthroughState()
    cutover = step_by_key("cutover").number
    state.record(cutover, {"cutover": CutoverChoice(method="one_step", cutover_at=now)}, now=now)
    assert state.cutover.method == "one_step" and state.step(cutover).status is StepStatus.IN_PROGRESS
    with pytest.raises(KeyError, match="cannot record workspace_fingerprint"):
        state.record(cutover, {"workspace_fingerprint": "us:0"}, now=now)  # type: ignore[typeddict-unknown-key]
    with pytest.raises(KeyError, match=f"step {cutover} cannot record verify: it records cutover"):
        state.record(cutover, {"verify": None}, now=now)  # type: ignore[typeddict-item]  # another step's finding


def test_each_recorded_field_belongs_to_one_step_and_is_a_state_field():
    from cio_tui.walkthrough.state import Recorded

    owners = [name for step in STEPS for name in step.records]
    assert sorted(owners) == sorted(Recorded.__optional_keys__)  # each field recorded by exactly one step
    assert Recorded.__optional_keys__ <= set(WalkthroughState.model_fields)  # the stored JSON is the state's


def test_no_text_writes_a_step_number_it_takes_it_from_the_list():
    """A "step 5" written in a message, a help text or a docstring goes stale when a step is added: texts name a
    step through ``step_ref``/``step_by_key`` (or ``{step_<key>}`` in the step texts), or by its key in words."""
    import re
    from pathlib import Path

    import cio_tui

    written = re.compile(r"\b[Ss]teps? [0-9]")
    found = [
        f"{path.relative_to(Path(cio_tui.__file__).parent)}:{n}: {line.strip()}"
        for path in sorted(Path(cio_tui.__file__).parent.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if written.search(line)
    ]
    assert found == []


def test_every_area_a_step_opens_is_an_area_with_its_button():
    """A step's ``areas`` name the app's areas (``tui/areas.py``); the Walkthrough shows an "Open ..." button for
    each, so an area a new step opens must have one (``OPEN_AREAS``), or the step would show no way there."""
    from cio_tui.tui.areas import AREAS
    from cio_tui.tui.screens.walkthrough import OPEN_AREAS

    opened = {mode for step in STEPS for mode in step.areas} - {"walkthrough"}
    assert opened <= {a.mode for a in AREAS}
    assert opened <= set(OPEN_AREAS)
