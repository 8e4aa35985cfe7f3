"""The Duplicates screen's calibration: a one-person calibration export that records this workspace's real export
header (``identity.duplicates.calibration``), and the check of every export the screen opens against it.

``k`` asks for the id or email of one person known to be in the workspace; the export of just that person runs in
an async worker through the workspace's client (the screen itself never talks HTTP) and its header is recorded in the
workspace's data folder. An export opened later is compared with it (in the analysis worker): a file without a column
that plays a role in this workspace's exports is refused, one that differs otherwise is analysed with a warning, and
one that matches is read with the mapping the calibration found.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.binding import Binding

from cio_tui.tui.errors import describe_error
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.widgets.csv_path import PathPrompt

if TYPE_CHECKING:
    from cio_tui.identity.duplicates.calibration import CalibratedHeader


class HeaderRefused(Exception):
    """An export whose header cannot be this workspace's (the message says why and what to do)."""


CALIBRATE = Binding(
    "k",
    "calibrate",
    "Calibrate",
    id="duplicates.calibrate",
    tooltip="Export one known person to record this workspace's real export header (and its column mapping)",
)


class DuplicatesCalibration(AreaScreen):
    """The calibration actions (the screen lists ``CALIBRATE`` last among its keys)."""

    calibration: CalibratedHeader | None = None  # the last one recorded from this screen

    def action_calibrate(self) -> None:
        if self.cio.workspace is None:
            self.notify("No workspace is open: open one in Connect (press 9).", severity="warning")
            return
        prompt = self.query_one("#dup-path", PathPrompt)
        prompt.ask("calibrate", "Id or email of one person in this workspace:", "")

    @on(PathPrompt.Given, "#dup-path")
    def _calibrate_given(self, message: PathPrompt.Given) -> None:
        if message.purpose != "calibrate":
            return
        message.stop()
        self.notify(f"Exporting just {message.text} to read this workspace's export header…", timeout=5,
                    markup=False)  # fmt: skip
        self._calibrate(message.text)

    @work(exclusive=True, group="duplicates-calibrate", exit_on_error=False)
    async def _calibrate(self, person: str) -> None:
        from cio_tui.identity.duplicates.calibration import calibrate

        try:
            workspace = self.cio.require_workspace()
            found = await calibrate(workspace.client, workspace.data_dir, person)
        except Exception as exc:  # noqa: BLE001 - API and export errors: shown in words with what to do
            self.notify(describe_error(exc), title="Calibration failed", severity="error")
            return
        self.calibration = found
        self.notify(calibration_text(found), title="Export header recorded", timeout=20, markup=False,
                    severity="information" if found.rows == 1 else "warning")  # fmt: skip

    def header_mapping(self, path: Path) -> dict[str, str]:
        """The column mapping for ``path`` from the recorded calibration header ({} when none is recorded or no
        workspace is open); a warning is notified when the header differs. Raises HeaderRefused when it cannot be
        this workspace's export. Called from the analysis thread (reads two local files)."""
        from cio_tui.identity.duplicates.calibration import compare_header, recorded_header
        from cio_tui.identity.duplicates.sources import file_header, parse_columns

        workspace = self.cio.workspace
        recorded = recorded_header(workspace.data_dir) if workspace is not None else None
        if recorded is None:
            return {}
        check = compare_header(recorded, file_header(path), name=path.name, mapped=False)
        if check.refuse:
            raise HeaderRefused(check.message)
        if check.message:
            self.app.call_from_thread(self.notify, check.message, title="Not the recorded export header",
                                      severity="warning", timeout=20, markup=False)  # fmt: skip
            return {}
        return parse_columns(recorded.columns_option)


def calibration_text(found: CalibratedHeader) -> str:
    roles = ", ".join(f"{role} = {column or '(none)'}" for role, column in found.roles.items())
    lines = [f"{found.rows} row(s) for {found.person}. Header: {', '.join(found.header)}.", f"Roles: {roles}."]
    if found.rows != 1:
        lines.append("The export held more or fewer people than one: check the id or email.")
    lines += [f"No column plays {role}: map it by hand." for role in ("cio_id", "id", "email") if not found.roles[role]]
    lines.append(
        f"Exports opened here are read with --columns {found.columns_option}." if found.columns_option
        else "The header uses cio-tui's own names: no mapping needed."
    )  # fmt: skip
    return "\n".join(lines)


__all__ = ["CALIBRATE", "DuplicatesCalibration", "HeaderRefused", "calibration_text"]
