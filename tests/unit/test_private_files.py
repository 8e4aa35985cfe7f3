"""``write_private``: owner-only, atomic, and safe when two writers save the same file at once."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from cio_tui.private_files import write_private


def test_concurrent_writers_each_rename_a_whole_file_of_their_own(tmp_path: Path) -> None:
    """Four threads save the same file at once, many times: every save succeeds, the file is always one writer's
    whole content, and no temp file is left behind."""
    target = tmp_path / "state.json"
    payloads = [bytes([65 + n]) * 200_000 for n in range(4)]
    errors: list[BaseException] = []
    for _ in range(10):
        barrier = threading.Barrier(len(payloads))

        def save(data: bytes, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                write_private(target, data)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=save, args=(data,)) for data in payloads]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert target.read_bytes() in payloads
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    write_private(target, "old\n")
    with pytest.raises(UnicodeEncodeError):
        write_private(target, "\ud800")  # a lone surrogate cannot be written as UTF-8
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
