"""What the TUI reads before the settings model and the state model load: the data dir (config_file), the sandbox's
glance and the saved steps' statuses agree with the full settings, workspace and state."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cio_tui.config import load_settings
from cio_tui.config_file import ConfigError, data_dir_path
from cio_tui.walkthrough.state import WalkthroughState
from cio_tui.walkthrough.status import STATE_FILE, StepStatus, first_unfinished, read_steps
from cio_tui.walkthrough.steps import STEP_COUNT, STEPS
from cio_tui.workspace import sandbox_glance, workspace_dir
from cio_tui.workspace_sandbox import sandbox_fingerprint

NOW = datetime(2026, 1, 1, tzinfo=UTC)

N = {step.key: step.number for step in STEPS}


@pytest.mark.parametrize(
    "env_dir,file_dir",
    [("from-env", None), ("from-env", "from-file"), ("", "from-file"), (None, "from-file"), (None, None)],
)
def test_the_data_dir_is_the_settings_one(isolated_dirs, monkeypatch, tmp_path, env_dir, file_dir) -> None:
    monkeypatch.delenv("CIO_TUI_DATA_DIR")
    if env_dir is not None:
        monkeypatch.setenv("CIO_TUI_DATA_DIR", str(tmp_path / env_dir) if env_dir else "")
    cfg = isolated_dirs["config"]
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'data_dir = "{tmp_path / file_dir}"\n' if file_dir else "timeout = 20\n")
    assert data_dir_path() == load_settings().data_dir


def test_an_unreadable_config_file_is_a_config_error(isolated_dirs, monkeypatch) -> None:
    monkeypatch.delenv("CIO_TUI_DATA_DIR")  # the file is read only when the environment does not say
    isolated_dirs["config"].parent.mkdir(parents=True, exist_ok=True)
    isolated_dirs["config"].write_text("data_dir = [\n")
    with pytest.raises(ConfigError, match="cannot read the config file"):
        data_dir_path()


def test_the_sandbox_glance_is_the_sandbox_workspace(isolated_dirs) -> None:
    settings = load_settings()
    glance = sandbox_glance(settings.data_dir)
    assert (glance.name, glance.region, glance.is_sandbox) == ("sandbox", "us", True)
    assert glance.data_dir == workspace_dir(settings, sandbox_fingerprint())


def test_the_saved_steps_are_the_states_steps(tmp_path: Path) -> None:
    assert read_steps(tmp_path) == {
        n: read_steps(tmp_path)[n] for n in range(1, STEP_COUNT + 1)
    }  # nothing saved: not started
    assert all(st.status is StepStatus.NOT_STARTED for st in read_steps(tmp_path).values())
    state = WalkthroughState()
    state.set_status(N["connect"], "done", now=NOW)
    state.set_status(N["audit"], "skipped", reason="export later", now=NOW)
    state.set_notes(N["preview"], "ask the app team", now=NOW)
    (tmp_path / STATE_FILE).write_text(state.model_dump_json(), encoding="utf-8")
    steps = read_steps(tmp_path)
    assert steps is not None
    assert {n: st.status for n, st in steps.items()} == state.statuses()
    assert [steps[n].status_words for n in range(1, STEP_COUNT + 1)] == [
        state.step(n).status_words for n in range(1, STEP_COUNT + 1)
    ]
    assert steps[N["preview"]].notes == "ask the app team"
    assert steps[N["audit"]].status_words == "skipped: export later"
    assert first_unfinished(state.statuses()) == state.current_step() == N["connect"] + 1


@pytest.mark.parametrize("text", ["{not json", '{"steps": {"1": {"status": "bogus"}}}', '{"steps": 3}', "[1, 2]"])
def test_an_unreadable_state_has_no_glance(tmp_path: Path, text: str) -> None:
    (tmp_path / STATE_FILE).write_text(text, encoding="utf-8")
    assert read_steps(tmp_path) is None  # the full load says why (and what to do)


def test_the_glance_reads_a_state_written_by_the_store(tmp_path: Path) -> None:
    raw = {"version": 1, "steps": {"2": {"status": "in_progress", "notes": "n"}}}
    (tmp_path / STATE_FILE).write_text(json.dumps(raw), encoding="utf-8")
    steps = read_steps(tmp_path)
    assert steps is not None and steps[2].status is StepStatus.IN_PROGRESS and steps[1].status is StepStatus.NOT_STARTED
