"""Write SVG screenshots of every screen into ``screenshots/`` from the seeded embedded sandbox.

    python scripts/screenshots.py            # all shots
    python scripts/screenshots.py people     # only shots whose name contains "people"

Each shot runs the real app (``cli/tui.py`` services) in a fresh temporary config and data dir with an in-memory
keyring, a fixed clock and no animation, so the pictures are the same on every machine. To add a screen, add a
``Shot`` to ``SHOTS`` (``before`` drives the app with a Textual ``Pilot`` after the workspace is open).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import keyring

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' helpers (as bench/bench_tui.py does)

from tests.conftest import InMemoryKeyring  # noqa: E402

OUT = ROOT / "screenshots"
FIXED_NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
SIZE = (100, 32)
SMALL = (80, 24)

Before = Callable[[Any], Awaitable[None]]


class MemoryKeyring(InMemoryKeyring):
    """The tests' in-memory keyring, so that taking screenshots never touches the real one; named for the screen."""

    name = "example keyring"  # type: ignore[assignment]


async def settle(pilot: Any) -> None:
    await pilot.pause()
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            break
    await pilot.pause()


def keys(*presses: str) -> Before:
    async def before(pilot: Any) -> None:
        await pilot.press(*presses)
        await settle(pilot)

    return before


def lookup(text: str, *then: str) -> Before:
    async def before(pilot: Any) -> None:
        pilot.app.screen.query_one("#lookup-input").value = text
        await pilot.click("#lookup-input")
        await pilot.press("enter")
        await settle(pilot)
        if then:
            await pilot.press(*then)
            await settle(pilot)

    return before


def walkthrough_step(number: int, button: str | None = None) -> Before:
    """Walkthrough: select step ``number``, press ``button`` (a widget id) if given, show the step's form."""

    async def before(pilot: Any) -> None:
        screen = pilot.app.screen
        screen.query_one("#wt-steps").highlighted = number - 1
        await settle(pilot)
        if button:
            screen.query_one(button).press()
            await settle(pilot)
        screen.query_one("#wt-detail").scroll_end(animate=False)
        pilot.app.clear_notifications()
        await settle(pilot)

    return before


def preview_samples(*then: str) -> Before:
    """Preview: every sample call (one per type) previewed, then press ``then`` (n = next call, w/d/o = tabs)."""

    async def before(pilot: Any) -> None:
        from cio_tui.segment.samples import all_samples

        await settle(pilot)
        pilot.app.screen.prefill(all_samples())
        await settle(pilot)
        await pilot.press("escape", *then)
        await settle(pilot)

    return before


def preview_batches() -> Before:
    """Preview: three calls with subscriptions that batch (a file written for the shot), on the Batches tab."""

    async def before(pilot: Any) -> None:
        import json

        from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, default_mapping

        subs = [
            {"id": f"s-{slug}", "name": name, "actionId": "a", "actionSlug": slug, "destinationId": "d",
             "enabled": True, "trigger": DEFAULT_TRIGGERS[slug],
             "settings": {**default_mapping(slug), "enable_batching": True, "batch_size": 10}}
            for slug, name in (("trackEvent", "Events"), ("trackPageView", "Pages"))
        ]  # fmt: skip
        path = Path(tempfile.mkdtemp(prefix="cio-tui-shot-")) / "subscriptions.json"
        path.write_text(json.dumps({"data": {"subscriptions": subs}}))
        await settle(pilot)
        pilot.app.screen.prefill(
            "analytics.track('Signed Up', {plan: 'pro'}, {messageId: 'm-1', userId: 'u0000001'})\n"
            f"analytics.track('Signed Up', {{}}, {{messageId: 'm-2', userId: '{'x' * 151}'}})\n"
            "analytics.page('Home', {title: 'no url'}, {userId: 'u0000001'})\n"
        )
        await settle(pilot)
        await pilot.press("escape", "m")
        pilot.app.screen.query_one("#preview-path").query_one("Input").value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        pilot.app.clear_notifications()
        await settle(pilot)

    return before


def duplicates_flow(*then: str) -> Before:
    """Duplicates: a live export of the sandbox analysed, then ``then`` pressed."""

    async def before(pilot: Any) -> None:
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*then)
        await settle(pilot)

    return before


def staging_profile(app_key: str) -> Callable[[Any], None]:
    """Setup: a saved profile pointing at the sandbox, keys in the (memory) keyring."""

    def setup(ctx: Any) -> None:
        from cio_tui.config import Profile, save_profile
        from cio_tui.sandbox.embedded import SANDBOX_ORIGIN, SANDBOX_SITE_ID, SANDBOX_TRACK_KEY

        profile = Profile(
            name="staging", region="us", site_id=SANDBOX_SITE_ID, track_url=SANDBOX_ORIGIN, app_url=SANDBOX_ORIGIN
        )
        save_profile(profile, ctx.settings)
        ctx.credentials.set("staging", "track", _secret(SANDBOX_TRACK_KEY))
        ctx.credentials.set("staging", "app", _secret(app_key))

    return setup


def _secret(value: str) -> Any:
    from pydantic import SecretStr

    return SecretStr(value)


def leads_flow(*then: str, make_plan: bool = False) -> Before:
    """Leads: load them, type ids (one good, one email-shaped, one taken by cio_a3000001), check or make the plan;
    then press ``then`` (in Plan/Apply when ``make_plan``). Journal times and operator are pinned."""

    async def before(pilot: Any) -> None:
        _pin_journal()
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(
            "i",
            *"user-1001",
            "enter",
            *"ann@example.com",
            "enter",
            *"user-1003",
            "enter",
            *"u0000001",
            "enter",
            "escape",
            "m" if make_plan else "c",
        )
        await settle(pilot)
        if then:
            await pilot.press(*then)
            await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return before


def identifiers_flow() -> Before:
    """Identifiers: a person picked with a new id, plus a CSV with an email change and a colliding id."""

    async def before(pilot: Any) -> None:
        pilot.app.open_identifiers("a3000001")
        await settle(pilot)
        await pilot.press(*"user-1", "enter", "escape", "v")
        pilot.app.screen.query_one("#ids-csv").load_text(
            "cio_id,new_id,new_email\ncio_a3000002,,nils@example.com\na3000003,u0000004,\na3000004,x@y.co,\n"
        )
        pilot.app.screen.set_focus(None)
        await pilot.press("c")
        await settle(pilot)
        pilot.app.screen.query_one("#ids-table").move_cursor(row=1)
        pilot.app.clear_notifications()
        await settle(pilot)

    return before


def _pin_journal() -> None:
    """The journal stamps entries with the wall clock and the OS user: pin both so the pictures do not change."""
    from cio_tui.identity import journal

    class Fixed(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return FIXED_NOW

    journal.datetime = Fixed  # type: ignore[misc]
    journal._operator = lambda: "operator"  # type: ignore[attr-defined]


@dataclass
class Shot:
    name: str
    area: str | None
    before: Before | None = None
    size: tuple[int, int] = SIZE
    sandbox: bool = True
    setup: Callable[[Any], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


SHOTS: list[Shot] = [
    Shot("walkthrough", "walkthrough"),
    Shot("walkthrough-audit", "walkthrough", walkthrough_step(3, "#wt-audit-live")),
    Shot("walkthrough-checklist", "walkthrough", walkthrough_step(6)),
    Shot("walkthrough-verify", "walkthrough", walkthrough_step(8, "#wt-verify")),
    Shot("walkthrough-report", "walkthrough", walkthrough_step(9)),
    Shot("people-empty", "people"),
    Shot("people-card", "people", lookup("cio_a30000a9")),
    Shot("people-activity", "people", lookup("cio_a30000a9", "a")),
    Shot("people-attributes", "people", lookup("eva.meyer1@umbrella.test", "f", *"name")),
    Shot("people-segment", "people", lookup("u0000001", "e")),
    Shot("people-invalid-input", "people", lookup("eva@")),
    Shot("people-80x24", "people", lookup("u0000001"), size=SMALL),
    Shot("help-people", "people", keys("escape", "question_mark")),
    Shot("go-to-area", "people", keys("escape", "g")),
    Shot("command-palette", "people", keys("escape", "ctrl+p", *"people")),
    Shot("preview", "preview"),
    Shot("preview-side-by-side", "preview", preview_samples("n", "n")),
    Shot("preview-warnings", "preview", preview_samples("n", "n", "n", "n", "w")),
    Shot("preview-differences", "preview", preview_samples("n", "n", "n", "d")),
    Shot("preview-outcome", "preview", preview_samples("o")),
    Shot("preview-batches", "preview", preview_batches()),
    Shot("leads", "leads"),
    Shot("identifiers", "identifiers"),
    Shot("duplicates", "duplicates"),
    Shot("duplicates-live", "duplicates", keys("l")),
    Shot("duplicates-compare", "duplicates", duplicates_flow("f", *"case", "escape", "p"), size=(100, 40)),
    Shot("plan-apply", "plan"),
    Shot("journal", "journal"),
    Shot("leads-checked", "leads", leads_flow(), size=(100, 36)),
    Shot("identifiers-checked", "identifiers", identifiers_flow(), size=(100, 40)),
    Shot("plan-apply-review", "leads", leads_flow("c", make_plan=True)),
    Shot("plan-apply-confirm", "leads", leads_flow("a", *"sand", make_plan=True)),
    Shot("plan-apply-applied", "leads", leads_flow("a", *"sandbox", "enter", make_plan=True)),
    Shot("journal-history", "leads", leads_flow("a", *"sandbox", "enter", "j", make_plan=True), size=(110, 36)),
    Shot("connect-first-run", None, sandbox=False),
    Shot(
        "connect-add-profile",
        "connect",
        keys("a", *"prod", "tab", *"f00dcafe", "tab", "tab", *"track-key"),
        sandbox=False,
        size=SMALL,
    ),
    Shot("connect-check", "connect", keys("k"), sandbox=False, setup=staging_profile("wrong-app-key")),
]


async def take(shot: Shot, path: Path) -> None:
    from cio_tui.cli.tui import make_services
    from cio_tui.config import load_settings
    from cio_tui.credentials import CredentialStore
    from cio_tui.sandbox.embedded import embedded_transport
    from cio_tui.tui.app import CioApp
    from cio_tui.workspace_sandbox import sandbox_db_path

    settings = load_settings()
    credentials = CredentialStore()
    db = sandbox_db_path(settings)
    db.parent.mkdir(parents=True, exist_ok=True)
    ctx = SimpleNamespace(
        settings=settings,
        credentials=credentials,
        profile_name=None,
        sandbox=shot.sandbox,
        transport=embedded_transport(db),
    )
    if shot.setup:
        shot.setup(ctx)
        ctx.sandbox = shot.sandbox
    services = make_services(
        settings=ctx.settings,
        credentials=ctx.credentials,
        profile_name=ctx.profile_name,
        sandbox=ctx.sandbox,
        transport=lambda: ctx.transport,
        clock=lambda: FIXED_NOW,
    )
    app = CioApp(services, initial_area=shot.area)
    app.animation_level = "none"
    async with app.run_test(size=shot.size, notifications=True) as pilot:
        await settle(pilot)
        if shot.before:
            await shot.before(pilot)
        await settle(pilot)
        app.save_screenshot(filename=path.name, path=str(path.parent))


def main(argv: list[str]) -> int:
    wanted = [a for a in argv if not a.startswith("-")]
    OUT.mkdir(exist_ok=True)
    from textual.widgets import Input

    Input._toggle_cursor = lambda self: None  # type: ignore[method-assign]  # no blink: same picture every run
    for shot in SHOTS:
        if wanted and not any(w in shot.name for w in wanted):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["CIO_TUI_CONFIG"] = str(Path(tmp) / "config.toml")
            os.environ["CIO_TUI_DATA_DIR"] = str(Path(tmp) / "data")
            os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # the CSS cache: not the user's ~/.cache
            keyring.set_keyring(MemoryKeyring())
            path = OUT / f"{shot.name}.svg"
            asyncio.run(take(shot, path))
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    for name in list(os.environ):
        if name.startswith("CIO_TUI_"):
            del os.environ[name]
    raise SystemExit(main(sys.argv[1:]))
