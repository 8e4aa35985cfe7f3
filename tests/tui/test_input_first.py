"""The operator's input comes before the app's worker threads: a worker importing a module waits while an input
event is being answered, and goes on once it is; other threads never wait."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events

from cio_tui.tui.input_first import WORKER_PREFIX, HoldImports, InputGate
from tests.tui.conftest import SIZE, settle


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    done = threading.Event()
    for _ in range(2000):  # up to about 20 s: only a broken gate gets this far
        if condition():
            return
        done.wait(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
def fresh_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module no one imported yet (and a second one, its name with ``_b``)."""
    name = f"input_first_probe_{id(tmp_path)}"
    for each in (name, f"{name}_b"):
        (tmp_path / f"{each}.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    for each in (name, f"{name}_b"):
        sys.modules.pop(each, None)


def _import_in(thread_name: str, module: str, out: list[object]) -> threading.Thread:
    def run() -> None:
        out.append(__import__(module).VALUE)

    thread = threading.Thread(target=run, name=thread_name, daemon=True)
    thread.start()
    return thread


def test_a_worker_thread_imports_only_once_the_input_is_answered(fresh_module: str) -> None:
    gate = InputGate(hold=600)  # only answered() opens it within the test
    hook = HoldImports(gate)
    hook.install()
    try:
        gate.input_arrived()
        out: list[object] = []
        worker = _import_in(f"{WORKER_PREFIX}7", fresh_module, out)
        _wait_for(lambda: gate.waiting == 1, "the worker waits at the gate")
        assert out == [] and fresh_module not in sys.modules
        # another thread imports meanwhile: the worker waits without importlib's global lock
        other: list[object] = []
        _import_in("other", f"{fresh_module}_b", other).join(20)
        assert other == [42] and gate.waiting == 1
        gate.answered()
        worker.join(20)
        assert out == [42] and gate.waiting == 0
    finally:
        hook.remove()
    assert hook not in sys.meta_path


def test_only_worker_threads_wait_and_an_open_or_expired_gate_holds_no_one(fresh_module: str) -> None:
    gate = InputGate(hold=600)
    hook = HoldImports(gate)
    hook.install()
    try:
        gate.input_arrived()
        out: list[object] = []
        _import_in("textual-input", fresh_module, out).join(20)  # the driver's thread, say
        assert out == [42]
    finally:
        hook.remove()
    expired = InputGate(hold=0)
    expired.input_arrived()
    assert expired.expired
    done: list[bool] = []
    worker = threading.Thread(target=lambda: (expired.wait(), done.append(True)), name=f"{WORKER_PREFIX}8")
    worker.start()
    worker.join(20)
    assert done == [True]


async def test_the_app_closes_the_gate_on_a_key_and_opens_it_once_the_key_is_answered(make_app) -> None:
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app._hold_imports in sys.meta_path
        gate = app.input_gate
        assert gate.is_open
        gate.hold = 600  # only the answer opens it within the test
        before = app.screen.step_number
        closed: list[bool] = []
        arrived = gate.input_arrived

        def input_arrived() -> None:
            arrived()
            closed.append(not gate.is_open)

        gate.input_arrived = input_arrived  # type: ignore[method-assign]
        await app.on_event(events.Key("down", None))  # as the driver's key reaches the app
        assert closed == [True]  # the workers held off while it was answered
        await pilot.pause()
        assert gate.is_open  # answered: the next step is shown and drawn
        assert app.screen.step_number == before + 1
    assert app._hold_imports not in sys.meta_path


async def test_the_workers_thread_names_are_the_ones_the_gate_knows() -> None:
    """Textual's thread workers and ``asyncio.to_thread`` run in the loop's default executor, whose threads the
    gate tells by name (a Python that named them otherwise would let every worker through)."""
    name = await asyncio.to_thread(lambda: threading.current_thread().name)
    assert name.startswith(WORKER_PREFIX)
