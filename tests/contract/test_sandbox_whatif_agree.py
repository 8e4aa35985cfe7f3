"""The served sandbox (raw HTTP on loopback) and the preview's what-if copy agree, scenario by scenario: same
answers, same people afterwards (identifiers, attributes, devices, activities), same objects, relationships,
anonymous events and metrics. Together the scenarios exercise every behaviour row of the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from cio_tui.model.behaviours import BEHAVIOURS
from tests.contract.harness import Run, Scenario, both
from tests.contract.scenarios import SCENARIOS

EXERCISED: set[str] = set()
SEEN: set[str] = set()  # scenarios compared in this process
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
    SEEN.add(scenario.name)


async def test_the_scenarios_exercise_every_engine_behaviour(tmp_path: Path) -> None:
    # Under pytest-xdist this process may have compared only some scenarios: the others' what-if side is run here
    # (the behaviours come from the what-if's records), so the check never depends on how tests were distributed.
    for scenario in SCENARIOS:
        if scenario.name in SEEN:
            continue
        run = Run(scenario, tmp_path)
        try:
            run.apply_setup()
            whatif, _, _ = await run.whatif()
        finally:
            run.close()
        EXERCISED.update(whatif.behaviours, scenario.covers, APP_READS)
    missing = sorted(b.key for b in BEHAVIOURS if b.key not in EXERCISED)
    assert not missing, f"no contract scenario exercises: {missing}"
