"""``cio-tui sandbox serve|reset|info``: the Customer.io workspace emulator on a loopback port."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

if TYPE_CHECKING:
    from cio_tui.model.settings import Mode

DEFAULT_PEOPLE = 2000
DEFAULT_SEED = 7


def _db_path(db: str | None) -> Path:
    if db:
        return Path(db).expanduser()
    from cio_tui.config import load_settings
    from cio_tui.sandbox.embedded import default_db_path

    return default_db_path(load_settings().data_dir)


db_option = click.option("--db", "db", metavar="PATH", help="Workspace database file (default: in the data dir).")
people_option = click.option(
    "--people",
    type=click.IntRange(0),
    default=None,
    help=f"People to generate when the workspace is new [{DEFAULT_PEOPLE}].",
)
seed_option = click.option("--seed", type=int, default=None, help=f"Generator (and fault) seed [{DEFAULT_SEED}].")
mode_option = click.option(
    "--mode",
    type=click.Choice(["email_or_id", "id_only"]),
    default=None,
    help="Identifier mode of the workspace [email_or_id, or what the db says].",
)


@click.group("sandbox")
def sandbox_group() -> None:
    """The sandbox workspace: a local Customer.io emulator (Track v1/v2 and App API), no account needed."""


@sandbox_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it loopback).")
@click.option("--port", type=click.IntRange(0, 65535), default=8790, show_default=True)
@db_option
@people_option
@seed_option
@mode_option
@click.option(
    "--auto-merge/--no-auto-merge",
    "auto_merge",
    default=None,
    help="Automatic merge of an id-only and an email-only person [on, or what the db says].",
)
@click.option(
    "--email-update-by-id/--no-email-update-by-id",
    "email_update_by_id",
    default=None,
    help='"Allow updates to email using ID" [off, or what the db says].',
)
@click.option(
    "--phone-identifiers/--no-phone-identifiers",
    "phone_identifiers",
    default=None,
    help="Phone as an identifier (v2 identifiers.phone, App id_type=phone) [off, or what the db says].",
)
@click.option(
    "--anonymous-merge/--no-anonymous-merge",
    "anonymous_merge",
    default=None,
    help="Anonymous event merging on identify [on, or what the db says].",
)
@click.option(
    "--ignore-older-updates/--no-ignore-older-updates",
    "ignore_older_updates",
    default=None,
    help="v2 identify older than the last update is ignored (assumed) [on, or what the db says].",
)
@click.option(
    "--track-rps",
    type=click.FloatRange(0),
    default=1000.0,
    show_default=True,
    help="Track limit (Customer.io's published soft limit), 0 = off.",
)
@click.option("--app-rps", type=click.FloatRange(0), default=10.0, show_default=True, help="App limit, 0 = off.")
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of requests answered with 429/5xx or a dropped connection (reproducible from --seed).",
)
@click.option("--latency-ms", type=click.FloatRange(0), default=0.0, show_default=True, help="Added per request.")
@click.option(
    "--visibility-lag",
    "visibility_lag",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Reads see an accepted Track write only this long after it was answered, as "
    "Customer.io's asynchronous processing does.",
)
def serve_cmd(
    host: str,
    port: int,
    db: str | None,
    people: int | None,
    seed: int | None,
    mode: str | None,
    auto_merge: bool | None,
    email_update_by_id: bool | None,
    phone_identifiers: bool | None,
    anonymous_merge: bool | None,
    ignore_older_updates: bool | None,
    track_rps: float,
    app_rps: float,
    fault_rate: float,
    latency_ms: float,
    visibility_lag: float,
) -> None:
    """Serve the sandbox on HOST:PORT and print its URL and credentials. Stop with Ctrl-C or SIGTERM."""
    from cio_tui.sandbox.embedded import ensure_seeded
    from cio_tui.sandbox.server import serve
    from cio_tui.sandbox.settings import SandboxSettings

    path = _db_path(db)
    seeded = ensure_seeded(
        path,
        people=DEFAULT_PEOPLE if people is None else people,
        seed=DEFAULT_SEED if seed is None else seed,
        mode=mode or "email_or_id",
    )
    if not seeded and people is not None:
        click.echo(f"The workspace at {path} already exists; --people is ignored (run `cio-tui sandbox reset`).")
    settings = SandboxSettings(
        mode=cast("Mode | None", mode),
        auto_merge=auto_merge,
        email_update_by_id=email_update_by_id,
        phone_identifiers=phone_identifiers,
        anonymous_merge=anonymous_merge,
        ignore_older_updates=ignore_older_updates,
        track_rps=track_rps,
        app_rps=app_rps,
        fault_rate=fault_rate,
        fault_seed=DEFAULT_SEED if seed is None else seed,
        latency_ms=latency_ms,
        visibility_lag=visibility_lag,
    )
    try:
        serve(path, settings, host=host, port=port, echo=click.echo)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from exc


@sandbox_group.command("reset")
@db_option
@people_option
@seed_option
@mode_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_cmd(db: str | None, people: int | None, seed: int | None, mode: str | None, yes: bool) -> None:
    """Start the sandbox over: a freshly generated workspace (and Segment workspace), and cio-tui's records of the
    old one (journal, Walkthrough, audit and export files, saved plans) deleted. The calls saved in Preview are kept."""
    from cio_tui.config import load_settings
    from cio_tui.sandbox.embedded import ensure_seeded
    from cio_tui.workspace import clear_workspace_data, fingerprint_of, workspace_dir
    from cio_tui.workspace_sandbox import sandbox_profile

    path = _db_path(db)
    # the records of the sandbox as `--sandbox` and the TUI open it (a served sandbox reached through a profile has
    # its own folder, named by that profile's URL)
    profile = sandbox_profile()
    records = workspace_dir(load_settings(), fingerprint_of(profile.region, profile.site_id, profile.origins()))
    if (path.exists() or records.exists()) and not yes:
        click.confirm(
            f"Delete every change made in the sandbox workspace {path}, and cio-tui's journal, Walkthrough and "
            f"audit of it in {records}? (Calls saved in Preview are kept.)",
            abort=True,
        )
    for suffix in ("", "-wal", "-shm", ".segment.json", ".segment.json.lock"):  # .segment: its Segment workspace
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    cleared = clear_workspace_data(records)
    count = DEFAULT_PEOPLE if people is None else people
    ensure_seeded(path, people=count, seed=DEFAULT_SEED if seed is None else seed, mode=mode or "email_or_id")
    click.echo(f"Sandbox workspace reset: {count} people generated in {path}")
    if cleared.removed:
        click.echo(
            f"Deleted cio-tui's records of the old sandbox in {records}: {', '.join(cleared.removed)} "
            "(the journal, Walkthrough progress and audit start empty)"
        )
    if cleared.kept:
        click.echo(f"Kept: {', '.join(cleared.kept)} (the calls you saved in Preview; delete that folder to drop them)")


@sandbox_group.command("info")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_cmd(db: str | None, as_json: bool) -> None:
    """Where the sandbox workspace is, what it holds, its settings and its credentials."""
    from cio_tui.sandbox.info import workspace_info

    info = workspace_info(_db_path(db))
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        click.echo(f"{key.replace('_', ' '):<22}{value}")
