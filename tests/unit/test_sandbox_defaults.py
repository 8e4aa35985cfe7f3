"""Track's published limit (1000 requests/second, soft) is the sandbox's default, and it stays configurable."""

from __future__ import annotations

from cio_tui.cli.sandbox import serve_cmd
from cio_tui.sandbox.limits import RateLimits
from cio_tui.sandbox.settings import TRACK_RPS_DEFAULT, SandboxSettings


def test_track_limit_defaults_to_the_published_1000_per_second() -> None:
    assert SandboxSettings().track_rps == TRACK_RPS_DEFAULT == 1000.0
    option = next(p for p in serve_cmd.params if p.name == "track_rps")
    assert option.default == 1000.0


def test_the_limit_is_configurable_and_enforced() -> None:
    limits = RateLimits(track_rps=2, app_rps=0)
    waits = [limits.check("track") for _ in range(3)]
    assert waits[:2] == [0.0, 0.0] and waits[2] > 0
    assert RateLimits(track_rps=0, app_rps=0).check("track") == 0.0


def test_sandbox_options_name_every_sandbox_setting() -> None:
    """``embedded_transport(**options)`` is typed by ``SandboxOptions``: it must keep the dataclass's fields."""
    from dataclasses import fields

    from cio_tui.sandbox.settings import SandboxOptions, SandboxSettings

    assert list(SandboxOptions.__annotations__) == [f.name for f in fields(SandboxSettings)]
