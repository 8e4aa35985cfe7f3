"""``cio-tui profile add|list|remove|check``: workspace profiles (non-secret parts in the config file, keys in
the OS keyring). Keys are read from a hidden prompt, or from stdin when it is not a terminal (first line the
Track API key, second line the App API key); never from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from cio_tui.cli.context import EXIT_AUTH, EXIT_USER, CliContext, echo_json, pass_cli

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    import httpx
    from pydantic import SecretStr

    from cio_tui.config import Profile, Settings
    from cio_tui.customerio.validate import ProfileCheck
    from cio_tui.regions import Region


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def read_keys(prompt: bool) -> tuple[SecretStr, SecretStr]:
    """(track_key, app_key) from hidden prompts (terminal) or the first two stdin lines (pipe)."""
    from pydantic import SecretStr

    if prompt:
        track = click.prompt("Track API key", hide_input=True, err=True)
        app = click.prompt("App API key", hide_input=True, err=True)
    else:
        stream = sys.stdin
        track, app = stream.readline(), stream.readline()
    track, app = track.strip(), app.strip()
    if not track or not app:
        raise click.UsageError(
            "both keys are needed: type them at the hidden prompts, or pipe two lines on stdin "
            "(Track API key, then App API key)"
        )
    return SecretStr(track), SecretStr(app)


def read_segment_token(prompt: bool) -> SecretStr:
    """The Segment Public API token from a hidden prompt (terminal) or the next stdin line (pipe)."""
    from pydantic import SecretStr

    token = (
        click.prompt("Segment Public API token", hide_input=True, err=True) if prompt else sys.stdin.readline()
    ).strip()
    if not token:
        raise click.UsageError(
            "--segment needs the token: type it at the hidden prompt, or pipe it as the third stdin line"
        )
    return SecretStr(token)


async def check_segment_token(
    profile: Profile, token: SecretStr, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[bool, str]:
    """(ok, words) for the profile's Segment token: one read of the Segment workspace's sources."""
    from cio_tui.cutover.access import access_problem
    from cio_tui.segment_api.client import SegmentClient
    from cio_tui.segment_api.errors import SegmentApiError
    from cio_tui.segment_api.versions import default_host

    url = settings.segment_url or profile.segment_url or default_host(profile.segment_region or "us")
    async with SegmentClient(url, token, transport=transport, max_retries=1) as client:
        try:
            sources = await client.list_sources()
        except SegmentApiError as exc:
            problem = access_problem(exc)
            return False, (f"{problem.message} {problem.ask[:1].upper()}{problem.ask[1:]}." if problem else str(exc))
    return True, f"ok ({len(sources)} source(s) readable at {url})"


def failure_sentences(result: ProfileCheck) -> list[str]:
    """One plain sentence per failed key (and for a region mismatch)."""
    out = []
    for check in (result.track, result.app):
        where = f"the {check.label} of profile {result.profile}"
        if check.outcome == "invalid":
            out.append(f"authentication failed for {where}")
        elif check.outcome == "forbidden":
            out.append(f"{where} is valid but lacks permission")
        elif check.outcome == "missing":
            out.append(f"{where} is missing")
        elif check.outcome == "wrong_region":
            out.append(f"{where} belongs to the {(check.right_region or 'other').upper()} region")
        elif check.outcome == "unreachable":
            out.append(f"{where} could not be checked: the API is unreachable")
        elif not check.ok:
            out.append(f"{where} could not be checked: {check.message}")
    if not result.region_ok:
        out.append(
            f"profile {result.profile} has region {result.configured_region} but the workspace is in "
            f"{result.detected_region}"
        )
    return out


def _print_check(result: ProfileCheck) -> None:
    for line in result.lines():
        click.echo(f"  {line}")


def _rps_option(api: str, default: float) -> Callable[[F], F]:
    """``--track-rps`` / ``--app-rps``: the rate limit of one API."""
    return click.option(
        f"--{api.lower()}-rps",
        type=click.FloatRange(min=0.1),
        default=default,
        show_default=True,
        help=f"{api} API rate limit (requests per second).",
    )


@click.group("profile")
def profile_group() -> None:
    """Workspace profiles: site id, region and keys (kept in the OS keyring)."""


@profile_group.command("add")
@click.argument("name")
@click.option("--site-id", help="Track API site id (prompted when missing).")
@click.option(
    "--region",
    type=click.Choice(["auto", "us", "eu"]),
    default="auto",
    show_default=True,
    help="Data centre; auto detects it from the Track key.",
)
@click.option("--track-url", envvar="CIO_TUI_TRACK_URL", help="Track API origin override (a proxy or the sandbox).")
@click.option("--app-url", envvar="CIO_TUI_APP_URL", help="App API origin override.")
@_rps_option("Track", 100.0)
@_rps_option("App", 10.0)
@click.option(
    "--default/--no-default",
    "make_default",
    default=None,
    help="Make this the default profile [the first profile becomes the default].",
)
@click.option("--no-check", is_flag=True, help="Save without checking the keys live.")
@click.option(
    "--segment",
    "with_segment",
    is_flag=True,
    help="Also store a Segment Public API token (prompted, hidden; or the third stdin line) for the cut-over.",
)
@click.option(
    "--segment-region",
    type=click.Choice(["us", "eu"]),
    default=None,
    help="Region of the Segment workspace (us: api.segmentapis.com, eu: eu1.api.segmentapis.com) [us].",
)
@click.option("--segment-url", envvar="CIO_TUI_SEGMENT_URL", help="Segment Public API base URL override.")
@pass_cli
def add_cmd(
    cli: CliContext,
    name: str,
    site_id: str | None,
    region: str,
    track_url: str | None,
    app_url: str | None,
    track_rps: float,
    app_rps: float,
    make_default: bool | None,
    no_check: bool,
    with_segment: bool,
    segment_region: str | None,
    segment_url: str | None,
) -> None:
    """Add or replace profile NAME. Keys are prompted for (hidden) or read from stdin, never from arguments."""
    from pydantic import ValidationError

    from cio_tui.config import Profile, check_profile_name, save_profile

    with cli.guard():
        check_profile_name(name)
    interactive = _stdin_is_tty()
    if not site_id:
        if interactive:
            site_id = click.prompt("Site id", err=True)
        else:
            raise click.UsageError("give --site-id when the keys come from stdin")
    track_key, app_key = read_keys(prompt=interactive)
    segment_token = read_segment_token(prompt=interactive) if with_segment else None
    try:
        profile = Profile(
            name=name,
            region="us" if region == "auto" else cast("Region", region),
            site_id=site_id or "",
            track_url=track_url,
            app_url=app_url,
            track_rps=track_rps,
            app_rps=app_rps,
            segment_region=cast("Region | None", segment_region),
            segment_url=segment_url,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise click.UsageError(f"{'.'.join(map(str, err['loc']))}: {err['msg']}") from None

    if not no_check:
        profile = _check_before_saving(cli, profile, track_key, app_key, explicit_region=region != "auto")

    store = cli.credentials
    with cli.guard():
        persistent = store.persistent
        if persistent:
            store.set_profile_keys(name, track_key, app_key)
            if segment_token is not None:
                store.set(name, "segment", segment_token)
        path = save_profile(profile, cli.settings, make_default=make_default)
    click.echo(f"Saved profile {name} (region {profile.region}, site id {profile.site_id}) in {path}.")
    if persistent:
        click.echo(store.status.explain())
        return
    click.echo(
        "The keys were NOT stored: " + store.status.explain() + f" Then run `cio-tui profile add {name}` again.",
        err=True,
    )
    raise click.exceptions.Exit(EXIT_USER)


def _check_before_saving(
    cli: CliContext, profile: Profile, track_key: SecretStr, app_key: SecretStr, *, explicit_region: bool
) -> Profile:
    from cio_tui.customerio.validate import check_profile

    result = cli.run(check_profile(profile, track_key, app_key, transport=cli.transport))
    if result.track.ok and result.detected_region and result.detected_region != profile.region:
        if explicit_region:
            _print_check(result)
            cli.fail(
                f"--region {profile.region} was given but the workspace is in {result.detected_region.upper()}: "
                f"use --region {result.detected_region} (or auto)",
                4,
            )
        profile = profile.model_copy(update={"region": result.detected_region})
        result = cli.run(check_profile(profile, track_key, app_key, transport=cli.transport))
    if not (result.track.ok and result.app.ok):
        click.echo(f"Checking profile {profile.name}:", err=True)
        for line in result.lines():
            click.echo(f"  {line}", err=True)
        cli.fail(
            "; ".join(failure_sentences(result)) + ". Nothing was saved (use --no-check to save anyway)",
            result.exit_code() or EXIT_AUTH,
        )
    return profile


@profile_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def list_cmd(cli: CliContext, as_json: bool) -> None:
    """List the saved profiles (and the environment profile when CIO_TUI_SITE_ID is set)."""
    settings = cli.settings
    rows: list[dict[str, Any]] = []
    env = None
    with cli.guard():
        env = settings.env_profile()
    if env is not None:
        rows.append(
            {
                **env.model_dump(),
                "default": False,
                "source": "environment",
                "keys": {"track": settings.track_api_key is not None, "app": settings.app_api_key is not None},
            }
        )
    for name in sorted(settings.profiles):
        prof = settings.profiles[name]
        with cli.guard():  # a keyring that fails after its probe: the message, never a traceback
            track, app = cli.credentials.keys(name)
        rows.append(
            {
                **prof.model_dump(),
                "default": name == settings.default_profile,
                "source": "config",
                "keys": {"track": track is not None, "app": app is not None},
            }
        )
    if as_json:
        echo_json({"profiles": rows, "keyring": cli.credentials.status.backend if settings.profiles else None})
        return
    if not rows:
        click.echo("No profiles. Add one with `cio-tui profile add NAME`, or try `cio-tui --sandbox`.")
        return
    for row in rows:
        keys = ", ".join(f"{k} key {'stored' if v else 'MISSING'}" for k, v in row["keys"].items())
        marker = "*" if row["default"] else " "
        hosts = " ".join(f"{k}={row[k]}" for k in ("track_url", "app_url") if row.get(k))
        click.echo(
            f"{marker} {row['name']:<16} {row['region']:<3} site {row['site_id']:<20} {keys}"
            + (f"  {hosts}" if hosts else "")
            + ("  (from CIO_TUI_* variables)" if row["source"] == "environment" else "")
        )


@profile_group.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_cli
def remove_cmd(cli: CliContext, name: str, yes: bool) -> None:
    """Remove profile NAME and delete its keys from the keyring."""
    from cio_tui.config import remove_profile

    settings = cli.settings
    if name not in settings.profiles:
        cli.fail(f"no profile named '{name}'", EXIT_USER)
    if not yes and _stdin_is_tty():
        click.confirm(f"Remove profile {name} and delete its keys?", abort=True, err=True)
    with cli.guard():
        removed_keys = cli.credentials.delete_profile(name)
        remove_profile(name, settings)
    click.echo(f"Removed profile {name} ({removed_keys} key{'s' if removed_keys != 1 else ''} deleted).")


@profile_group.command("check")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def check_cmd(cli: CliContext, name: str | None, as_json: bool) -> None:
    """Check the keys and region of profile NAME live (default: --profile, the environment or default profile).

    Exit codes: 0 all good, 3 a key is rejected or missing, 4 region mismatch or network problem.
    """
    from cio_tui.customerio.validate import check_profile

    name = name or cli.profile_name
    settings = cli.settings
    with cli.guard():
        env = settings.env_profile() if name is None or name == "env" else None
        if env is not None:
            profile, track, app = env, settings.track_api_key, settings.app_api_key
        else:
            profile = settings.get_profile(name)
            track, app = cli.credentials.keys(profile.name)
    cli.workspace_name = profile.name
    result = cli.run(check_profile(profile, track, app, transport=cli.transport))
    with cli.guard():
        token = settings.segment_token if env is not None else cli.credentials.get(profile.name, "segment")
    segment = cli.run(check_segment_token(profile, token, settings, transport=cli.transport)) if token else None
    if as_json:
        extra = {} if segment is None else {"segment": {"ok": segment[0], "detail": segment[1]}}
        echo_json(result.model_dump(mode="json") | {"ok": result.ok and (segment is None or segment[0])} | extra)
    else:
        click.echo(f"Profile {profile.name} (region {profile.region}, site id {profile.site_id}):")
        _print_check(result)
        if segment is not None:
            click.echo(f"  Segment Public API token: {segment[1]}")
        if result.ok and (segment is None or segment[0]):
            click.echo("All good.")
    code = result.exit_code() or (EXIT_AUTH if segment is not None and not segment[0] else 0)
    if code:
        if not as_json:
            click.echo(f"error: {'; '.join(failure_sentences(result))}", err=True)
        raise click.exceptions.Exit(code)
