"""The served sandbox (raw HTTP on loopback) and the preview's what-if copy agree, scenario by scenario: same
answers, same people afterwards (identifiers, attributes, devices, activities), same objects, relationships,
anonymous events and metrics. Together the scenarios exercise every behaviour row of the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from cio_tui.model.behaviours import BEHAVIOURS
from tests.contract.harness import Scenario, both
from tests.contract.scenarios import SCENARIOS

EXERCISED: set[str] = set()
# every comparison reads the sandbox through them, and the what-if reads emails with a search
APP_READS = ("app_by_email", "app_attributes", "app_search")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_sandbox_and_whatif_agree(scenario: Scenario, tmp_path: Path) -> None:
    served, predicted = await both(scenario, tmp_path)
    assert predicted.statuses == served.statuses
    assert predicted.bodies == served.bodies
    assert predicted.people == served.people
    assert predicted.extras == served.extras
    EXERCISED.update(predicted.behaviours, scenario.covers, APP_READS)


def test_the_scenarios_exercise_every_engine_behaviour() -> None:
    if len(EXERCISED) < 3:
        pytest.skip("runs after the scenarios (not alone)")
    missing = sorted(b.key for b in BEHAVIOURS if b.key not in EXERCISED)
    assert not missing, f"no contract scenario exercises: {missing}"
