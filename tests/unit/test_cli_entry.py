"""The console script's start: the TUI's own options open the TUI without click; every other command line goes to
the click group unchanged."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cio_tui.cli import entry


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ([], (None, False)),
        (["--sandbox"], (None, True)),
        (["--profile", "acme"], ("acme", False)),
        (["--profile=acme"], ("acme", False)),
        (["--sandbox", "--profile", "acme"], ("acme", True)),
        (["--profile=acme", "--sandbox"], ("acme", True)),
    ],
)
def test_the_tuis_own_options_are_read_without_click(args: list[str], options: tuple[str | None, bool]) -> None:
    assert entry.tui_options(args) == options


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--version"],
        ["sandbox", "serve"],
        ["--sandbox", "plan"],
        ["--sandbox", "--sandbox"],
        ["--profile", "a", "--profile", "b"],
        ["--profile"],
        ["--profile="],
        ["--profile", "--sandbox"],
        ["--sandbox=yes"],
        ["--sand"],
        ["--"],
    ],
)
def test_any_other_command_line_is_the_click_groups(args: list[str]) -> None:
    assert entry.tui_options(args) is None


def test_the_start_opens_the_tui_with_the_options_or_hands_over_to_the_group(monkeypatch) -> None:
    from cio_tui.cli import root, tui

    opened: list[tuple[str | None, bool]] = []
    grouped: list[list[str]] = []

    def run_tui_with(*, profile_name: str | None, sandbox: bool) -> int:
        opened.append((profile_name, sandbox))
        return 0

    monkeypatch.setattr(tui, "run_tui_with", run_tui_with)
    monkeypatch.setattr(root, "main", lambda: grouped.append(sys.argv[1:]))
    monkeypatch.setattr(sys, "argv", ["cio-tui", "--profile", "acme"])
    with pytest.raises(SystemExit) as leaving:
        entry.main()
    assert leaving.value.code == 0 and opened == [("acme", False)] and grouped == []
    monkeypatch.setattr(sys, "argv", ["cio-tui", "profile", "list"])
    entry.main()
    assert grouped == [["profile", "list"]] and opened == [("acme", False)]
    monkeypatch.setenv("_CIO_TUI_COMPLETE", "bash_complete")  # shell completion: the group's
    monkeypatch.setattr(sys, "argv", ["cio-tui", "--sandbox"])
    entry.main()
    assert grouped[-1] == ["--sandbox"] and len(opened) == 1


def test_the_group_and_the_start_build_the_same_services(monkeypatch) -> None:
    """What the group hands ``run_tui`` (its context) and what the start hands ``run_tui_with`` make the same
    services: the same start choice, no settings or credentials given, the network."""
    from cio_tui.cli import tui
    from cio_tui.cli.context import CliContext

    made: list[dict[str, object]] = []
    real = tui.make_services

    def recording(**kwargs: object):  # type: ignore[no-untyped-def]
        made.append({k: v for k, v in kwargs.items() if v is not None and v is not False})
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tui, "make_services", recording)
    monkeypatch.setattr(tui, "_run", lambda services: services())
    for profile, sandbox in [(None, False), (None, True), ("acme", False), ("acme", True)]:
        made.clear()
        tui.run_tui(CliContext.create(profile_name=profile, sandbox=sandbox))
        tui.run_tui_with(profile_name=profile, sandbox=sandbox)
        assert made[0] == made[1], (profile, sandbox)


def test_python_m_cio_tui_help_is_the_groups() -> None:
    out = subprocess.run([sys.executable, "-m", "cio_tui", "--help"], capture_output=True, text=True, check=True)
    # the group's usage line; click 8.5 writes its optional command as [COMMAND], earlier releases as COMMAND
    usage = out.stdout.splitlines()[0]
    assert usage in (
        "Usage: python -m cio_tui [OPTIONS] COMMAND [ARGS]...",
        "Usage: python -m cio_tui [OPTIONS] [COMMAND] [ARGS]...",
    )
    assert "\nCommands:\n" in out.stdout
    assert "--sandbox" in out.stdout and "walkthrough" in out.stdout


def test_the_apps_exit_code_is_the_processes(monkeypatch) -> None:
    """The app exits with 2 when it stops on an error it reported (an unreadable config file, say): the shell sees
    2 whichever way the TUI was opened, not 0."""
    from cio_tui.cli import tui
    from cio_tui.tui import app as app_module

    class StoppedOnAnError:
        return_code = 2

        def __init__(self, services: object) -> None:
            self.services = services

        def run(self) -> None:
            return None

    monkeypatch.setattr(app_module, "CioApp", StoppedOnAnError)
    monkeypatch.setattr(tui, "make_services", lambda **options: options)
    assert tui.run_tui_with(profile_name=None, sandbox=True) == 2
    monkeypatch.setattr(sys, "argv", ["cio-tui", "--sandbox"])
    with pytest.raises(SystemExit) as leaving:
        entry.main()
    assert leaving.value.code == 2
