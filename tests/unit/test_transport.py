"""The shared HTTP plumbing (cio_tui/transport.py): one retry loop and one client shape for both API clients."""

from __future__ import annotations

import logging
import random

import httpx
import pytest
from pydantic import SecretStr

from cio_tui.customerio.http import ApiHttp
from cio_tui.json_types import JSONValue
from cio_tui.redaction import register_secret
from cio_tui.segment_api.http import SegmentHttp
from cio_tui.transport import USER_AGENT, RetryingHttp, make_client


class Failed(Exception):
    """What the test subclass raises: the hook's name and its details."""

    def __init__(self, hook: str, detail: object = None) -> None:
        super().__init__(hook)
        self.hook, self.detail = hook, detail


class _Http(RetryingHttp):
    """The smallest client on the shared loop: it records what the hooks were asked."""

    log_name = "Test API"

    def __init__(self, handler: httpx.MockTransport, secret: str = "own-key-123") -> None:
        self.waits: list[float] = []
        self.rate_limited_paths: list[str] = []

        async def sleep(seconds: float) -> None:
            self.waits.append(seconds)

        super().__init__(
            "https://api.test/",
            secrets=[SecretStr(secret)],
            sleep=sleep,
            rng=random.Random(1),
            logger=logging.getLogger("test.transport"),
        )
        self.client = make_client(self.origin, httpx.Auth(), transport=handler, timeout=5.0)

    def not_connected(self, op: str, exc: httpx.TransportError) -> Exception:
        return Failed("not_connected", type(exc).__name__)

    def lost(self, op: str, exc: httpx.TransportError) -> Exception:
        return Failed("lost", type(exc).__name__)

    def uncertain(
        self,
        op: str,
        *,
        exc: httpx.TransportError | None = None,
        resp: httpx.Response | None = None,
        body: JSONValue = None,
    ) -> Exception:
        return Failed("uncertain", resp.status_code if resp is not None else type(exc).__name__)

    def _error(self, cls: type[Exception], op: str, message: str, **_: object) -> Exception:
        raise AssertionError("every hook is the test's own")

    def redirected(self, op: str, resp: httpx.Response, body: JSONValue) -> Exception:
        return Failed("redirected", resp.status_code)

    def refused(
        self, op: str, resp: httpx.Response, body: JSONValue, *, attempts: int | None, retry_after: float | None
    ) -> Exception:
        return Failed("refused", (resp.status_code, attempts, retry_after))

    def rate_limited(self, path: str, resp: httpx.Response, body: JSONValue) -> float | None:
        self.rate_limited_paths.append(path)
        return super().rate_limited(path, resp, body)


async def _no_wait() -> None:
    return None


def _answers(*answers: httpx.Response | Exception) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.MockTransport(handler), seen


async def _send(http: _Http, *, write: bool) -> httpx.Response:
    return await http.send("POST" if write else "GET", "/v1/thing", "thing", write=write, acquire=_no_wait)


async def test_a_read_retries_a_5xx_and_returns_the_answer_that_came() -> None:
    transport, seen = _answers(httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"ok": True}))
    http = _Http(transport)
    resp = await _send(http, write=False)
    assert resp.json() == {"ok": True} and len(seen) == 3 and len(http.waits) == 2
    assert all(0.0 <= w <= http.backoff_cap for w in http.waits)


async def test_a_write_is_never_resent_after_a_5xx_or_a_lost_answer() -> None:
    transport, seen = _answers(httpx.Response(503))
    with pytest.raises(Failed) as err:
        await _send(_Http(transport), write=True)
    assert (err.value.hook, err.value.detail, len(seen)) == ("uncertain", 503, 1)
    transport, seen = _answers(httpx.ReadTimeout("slow"))
    with pytest.raises(Failed) as err:
        await _send(_Http(transport), write=True)
    assert (err.value.hook, err.value.detail, len(seen)) == ("uncertain", "ReadTimeout", 1)


@pytest.mark.parametrize("status", [408, 500, 501, 505, 507, 520, 521, 523, 525, 530, 599])
async def test_any_5xx_or_408_to_a_write_is_uncertain_even_one_reads_do_not_retry(status: int) -> None:
    # 501, 520, 599... are not on the read retry list: they must still not be taken as "nothing happened"
    transport, seen = _answers(httpx.Response(status), httpx.Response(200))
    with pytest.raises(Failed) as err:
        await _send(_Http(transport), write=True)
    assert (err.value.hook, err.value.detail, len(seen)) == ("uncertain", status, 1)


@pytest.mark.parametrize("status", [400, 404, 409, 422])
async def test_a_4xx_to_a_write_is_a_refusal_sent_once(status: int) -> None:
    transport, seen = _answers(httpx.Response(status), httpx.Response(200))
    with pytest.raises(Failed) as err:
        await _send(_Http(transport), write=True)
    assert (err.value.hook, err.value.detail, len(seen)) == ("refused", (status, None, None), 1)


async def test_a_429_to_a_write_is_retried_it_proves_nothing_happened() -> None:
    transport, seen = _answers(httpx.Response(429), httpx.Response(200))
    assert (await _send(_Http(transport), write=True)).status_code == 200 and len(seen) == 2


async def test_the_segment_client_takes_a_520_to_a_write_as_uncertain() -> None:
    from cio_tui.segment_api.errors import SegmentUncertainWriteError

    transport, seen = _answers(httpx.Response(520), httpx.Response(200))
    http = SegmentHttp(
        "https://api.segmentapis.com", SecretStr("sgp_token_abc"), transport=transport, sleep=_sleep_nothing
    )
    with pytest.raises(SegmentUncertainWriteError):
        await http.request("PATCH", "/destinations/d1", "update destination", json={"enabled": True})
    assert len(seen) == 1
    await http.aclose()


async def _sleep_nothing(_seconds: float) -> None:
    return None


def test_behind_a_proxy_httpx_s_pool_keeps_the_4_s_keep_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    from cio_tui.http_pool import KEEPALIVE_EXPIRY

    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = make_client("https://api.test", httpx.Auth(), transport=None, timeout=5.0)
    pools = [t._pool for t in client._mounts.values() if isinstance(t, httpx.AsyncHTTPTransport)]  # noqa: SLF001
    assert pools and KEEPALIVE_EXPIRY == 4.0
    assert all(p._keepalive_expiry == KEEPALIVE_EXPIRY for p in pools)  # noqa: SLF001


async def test_a_write_that_never_connected_is_retried_nothing_was_sent() -> None:
    transport, seen = _answers(httpx.ConnectError("refused"), httpx.Response(200))
    http = _Http(transport)
    assert (await _send(http, write=True)).status_code == 200 and len(seen) == 2


async def test_a_429_asks_the_subclass_to_slow_down_and_waits_the_retry_after() -> None:
    transport, _ = _answers(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200))
    http = _Http(transport)
    await _send(http, write=True)  # a 429 took no effect: a write is retried too
    assert http.rate_limited_paths == ["/v1/thing"] and http.waits == [7.0]


async def test_giving_up_says_after_how_many_attempts() -> None:
    transport, seen = _answers(*[httpx.Response(500) for _ in range(5)])
    http = _Http(transport)
    with pytest.raises(Failed) as err:
        await _send(http, write=False)
    assert (err.value.hook, err.value.detail, len(seen)) == ("refused", (500, 5, None), 5)
    transport, _ = _answers(httpx.Response(404))
    with pytest.raises(Failed) as err:
        await _send(_Http(transport), write=False)
    assert (err.value.hook, err.value.detail) == ("refused", (404, None, None))  # not retryable: no attempts


async def test_redirects_are_never_followed() -> None:
    transport, seen = _answers(httpx.Response(301, headers={"Location": "https://elsewhere.test/"}))
    with pytest.raises(Failed) as err:
        await _send(_Http(transport), write=False)
    assert (err.value.hook, err.value.detail, len(seen)) == ("redirected", 301, 1)


async def test_a_closed_gate_sends_nothing() -> None:
    transport, seen = _answers(httpx.Response(200))
    http = _Http(transport)

    async def closed() -> bool:
        return False

    with pytest.raises(Failed) as err:
        await http.send("POST", "/v1/thing", "thing", write=True, acquire=_no_wait, gate=closed,
                        not_sent=lambda: Failed("not_sent"))  # fmt: skip
    assert err.value.hook == "not_sent" and seen == []


def test_scrub_masks_the_clients_own_keys_and_every_registered_secret() -> None:
    register_secret("registered-secret-9")
    http = _Http(httpx.MockTransport(lambda r: httpx.Response(200)), secret="own-key-123")
    assert http.scrub("a own-key-123 b registered-secret-9 c") == "a ******** b ******** c"


async def test_both_api_clients_are_built_on_it_with_one_user_agent() -> None:
    agents: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["User-Agent"])
        return httpx.Response(200, json={})

    cio = ApiHttp("app", "https://api.customer.io", httpx.Auth(), secrets=[], rps=100,
                  transport=httpx.MockTransport(handler))  # fmt: skip
    seg = SegmentHttp("https://api.segmentapis.com", SecretStr("tok-123456"), transport=httpx.MockTransport(handler))
    assert isinstance(cio, RetryingHttp) and isinstance(seg, RetryingHttp)
    await cio.get_json("/v1/workspaces", "workspaces")
    await seg.request("GET", "/workspace", "workspace")
    assert agents == [USER_AGENT, USER_AGENT] and USER_AGENT.startswith("cio-tui/")
    assert not cio.client.follow_redirects and not seg.client.follow_redirects
    await cio.aclose()
    await seg.aclose()


async def test_both_clients_word_not_connected_lost_and_uncertain_alike_each_with_its_own_name() -> None:
    from cio_tui.customerio.errors import NetworkError, UncertainWriteError
    from cio_tui.segment_api.errors import SegmentNetworkError, SegmentUncertainWriteError

    def fail(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect":
            raise httpx.ConnectError("refused")
        if request.url.path == "/lost":
            raise httpx.ReadError("dropped")
        return httpx.Response(503)

    cio = ApiHttp("track", "https://track.customer.io", httpx.Auth(), secrets=[], rps=100, max_retries=0,
                  transport=httpx.MockTransport(fail))  # fmt: skip
    seg = SegmentHttp("https://api.segmentapis.com", SecretStr("tok-123456"), max_retries=0,
                      transport=httpx.MockTransport(fail))  # fmt: skip
    seen: dict[str, list[tuple[type[Exception], int | None, str, str]]] = {"cio": [], "seg": []}
    for name, http in (("cio", cio), ("seg", seg)):
        for method, path in (("GET", "/connect"), ("GET", "/lost"), ("PUT", "/lost"), ("PUT", "/503")):
            with pytest.raises(
                (NetworkError, UncertainWriteError, SegmentNetworkError, SegmentUncertainWriteError)
            ) as e:
                await http.send(method, path, "op", write=method == "PUT", acquire=_no_wait)
            seen[name].append((type(e.value), e.value.status, e.value.message, e.value.hint or ""))
        await http.aclose()
    maybe = "; it may or may not have taken effect"
    seg_api = "Segment Public API op"
    assert seen["cio"] == [
        (NetworkError, None, "Track API op: cannot connect to https://track.customer.io (ConnectError)",
         "check the network and the API URL"),
        (NetworkError, None, "Track API op: network failure (ReadError)", "check the network and retry"),
        (UncertainWriteError, None, f"Track API op: no complete answer after the request was sent (ReadError){maybe}",
         "read the person to reconcile; do not resend blindly"),
        (UncertainWriteError, 503, f"Track API op: HTTP 503 service unavailable after the request was sent{maybe}",
         "read the person to reconcile; do not resend blindly"),
    ]  # fmt: skip
    assert seen["seg"] == [
        (SegmentNetworkError, None, f"{seg_api}: cannot connect to https://api.segmentapis.com (ConnectError)",
         "check the network and the Segment API URL"),
        (SegmentNetworkError, None, f"{seg_api}: network failure (ReadError)", "check the network and retry"),
        (SegmentUncertainWriteError, None,
         f"Segment Public API op: no complete answer after the request was sent (ReadError){maybe}",
         "read the destination to reconcile; do not resend blindly"),
        (SegmentUncertainWriteError, 503,
         f"Segment Public API op: HTTP 503 service unavailable after the request was sent{maybe}",
         "read the destination to reconcile; do not resend blindly"),
    ]  # fmt: skip
