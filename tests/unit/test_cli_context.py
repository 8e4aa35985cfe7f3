"""CliContext: error -> (plain message, exit code), and run() printing one line on stderr."""

from __future__ import annotations

import click
import pytest

from cio_tui.cli.context import CliContext, UserError
from cio_tui.config import ConfigError
from cio_tui.credentials import CredentialError
from cio_tui.customerio import errors as e
from cio_tui.redaction import register_secret


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [
        (
            e.AuthError(message="Track API identify: HTTP 401", api="track", status=401),
            3,
            "authentication failed for the Track API key of profile prod (or the site id is wrong)",
        ),
        (e.PermissionDeniedError(message="x", api="app", status=403), 3, "App API key of profile prod is not allowed"),
        (e.RegionError(message="Track API identify: redirected"), 4, "redirected"),
        (e.NetworkError(message="App API search: cannot connect"), 4, "cannot connect"),
        (e.ServerError(message="App API search: HTTP 503"), 4, "HTTP 503"),
        (e.RateLimitedError(message="App API search: HTTP 429"), 4, "HTTP 429"),
        (e.UncertainWriteError(message="Track API merge: HTTP 502"), 4, "HTTP 502"),
        (e.NotFoundError(message="App API export status: HTTP 404"), 1, "HTTP 404"),
        (e.InvalidInputError(message="Track API batch: HTTP 400"), 1, "HTTP 400"),
        (ConfigError("no profile named 'x'"), 1, "no profile named 'x'"),
        (CredentialError("the App API key of profile 'p' is not in the OS keyring"), 1, "not in the OS keyring"),
        (UserError("stop here", exit_code=4), 4, "stop here"),
    ],
)
def test_describe_error(exc: Exception, code: int, text: str) -> None:
    cli = CliContext.create(profile_name="prod", sandbox=False)
    message, got = cli.describe_error(exc)
    assert got == code and text in message


def test_unknown_errors_are_not_swallowed() -> None:
    assert CliContext.create(profile_name=None, sandbox=False).describe_error(RuntimeError("bug")) is None


def test_run_prints_one_redacted_line_and_exits(capsys) -> None:
    register_secret("leaky-key-123456")
    cli = CliContext.create(profile_name=None, sandbox=True)

    async def boom() -> None:
        raise UserError("the server echoed leaky-key-123456")

    with pytest.raises(click.exceptions.Exit) as info:
        cli.run(boom())
    assert info.value.exit_code == 1
    assert capsys.readouterr().err == "error: the server echoed ********\n"

    async def fine() -> int:
        return 7

    assert cli.run(fine()) == 7
