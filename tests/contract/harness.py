"""Run one scenario through the served sandbox (raw HTTP on loopback) and through the preview's what-if copy, and
read both outcomes in one comparable form.

A scenario's ``setup`` requests go to the sandbox only (the what-if reads their result, as a preview reads a real
workspace); its ``calls`` go to both. ``$cio:<id>`` in a path or body is replaced by that person's cio_id.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from cio_tui.customerio.client import CustomerIOClient
from cio_tui.identity.lookup import ClientPeopleLookup
from cio_tui.model import WorkspaceSettings, reads
from cio_tui.model.person import Person
from cio_tui.sandbox.app import sandbox_of
from cio_tui.sandbox.embedded import SANDBOX_APP_KEY, SANDBOX_SITE_ID, SANDBOX_TRACK_KEY
from cio_tui.sandbox.generator import BASE_TIME
from cio_tui.sandbox.server import ServerThread
from cio_tui.sandbox.settings import ManualClock, SandboxSettings
from cio_tui.sandbox.store import Store
from cio_tui.segment.outcome import WhatIf
from cio_tui.segment.wire import HttpRequest

TRACK_AUTH = httpx.BasicAuth(SANDBOX_SITE_ID, SANDBOX_TRACK_KEY)
APP_HEADERS = {"Authorization": f"Bearer {SANDBOX_APP_KEY}"}
ENTITY = "/api/v2/entity"
BATCH = "/api/v2/batch"

Req = tuple[str, str, Any]  # (method, path, body); ("ADVANCE", "", seconds) moves both clocks


def path(identifier: str, *rest: str) -> str:
    return "/api/v1/customers/" + "/".join([quote(identifier, safe=""), *rest])


def v2(action: str, ids: dict[str, Any] | None = None, **fields: Any) -> Req:
    body: dict[str, Any] = {"type": "person", "action": action, **fields}
    if ids is not None:
        body["identifiers"] = ids
    return ("POST", ENTITY, body)


@dataclass
class Scenario:
    name: str
    calls: list[Req]
    names: list[tuple[str, str]]  # the people to compare afterwards: ("id"|"email"|"phone", value)
    setup: list[Req] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    store_setup: Callable[[Store], None] | None = None
    covers: tuple[str, ...] = ()  # behaviours the scenario exercises that no engine record names


@dataclass
class Outcome:
    statuses: list[int]
    bodies: list[Any]
    people: list[dict[str, Any]]
    extras: dict[str, Any]
    behaviours: set[str]


def _norm_customer(customer: dict[str, Any]) -> dict[str, Any]:
    """A person without what differs by construction (cio_ids of new people, timestamps)."""
    attrs = {k: v for k, v in customer["attributes"].items() if k != "cio_id"}
    ids = {k: v for k, v in customer["identifiers"].items() if k != "cio_id"}
    devices = sorted(d["id"] for d in customer.get("devices") or [])
    return {"identifiers": ids, "attributes": attrs, "unsubscribed": customer["unsubscribed"], "devices": devices}


def _norm_activity(type_: str, name: str | None, data: dict[str, Any]) -> tuple[str, str | None, str]:
    kept = {k: v for k, v in data.items() if k not in ("merged_cio_id", "conflicting_cio_id")}
    return (type_, name, json.dumps(kept, sort_keys=True))


def _substitute(value: Any, cio: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, cio_id in cio.items():
            value = value.replace(f"$cio:{key}", cio_id).replace(quote(f"$cio:{key}", safe=""), cio_id)
        return value
    if isinstance(value, list):
        return [_substitute(v, cio) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, cio) for k, v in value.items()}
    return value


class Run:
    """One scenario: a fresh served sandbox on loopback, and a what-if over it."""

    def __init__(self, scenario: Scenario, tmp: Path) -> None:
        self.s = scenario
        self.clock = ManualClock(BASE_TIME)
        db = tmp / f"{scenario.name}.db"
        if scenario.store_setup is not None:
            store = Store(db)
            with store.tx():
                scenario.store_setup(store)
            store.close()
        settings = SandboxSettings(track_rps=0, app_rps=0, clock=self.clock, **scenario.settings)
        self.server = ServerThread(db, settings)
        self.url = self.server.start()
        self.http = httpx.Client(base_url=self.url, timeout=10)
        self.cio: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()
        self.server.stop()

    # -- raw HTTP ----------------------------------------------------------------------------------------
    def send(self, req: Req) -> httpx.Response:
        method, where, body = req
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        return self.http.request(
            method, where, content=content, auth=TRACK_AUTH, headers={"Content-Type": "application/json"}
        )

    def app(self, where: str, **params: str) -> httpx.Response:
        return self.http.get(where, params=params, headers=APP_HEADERS)

    def _resolve_cio(self, req: Req) -> Req:
        return (req[0], _substitute(req[1], self.cio), _substitute(req[2], self.cio))

    # -- the two sides -------------------------------------------------------------------------------------
    def apply_setup(self) -> None:
        for req in self.s.setup:
            if req[0] == "ADVANCE":
                self.clock.advance(int(req[2]))
                continue
            assert self.send(self._resolve_cio(req)).status_code in (200, 207), req
        sandbox = sandbox_of(self.server.app)
        # the what-if cannot read history, so only activities the calls add are compared
        self.floor = int(sandbox.store.db.execute("SELECT coalesce(max(pk), 0) FROM activities").fetchone()[0])
        self.calls_start = self.clock.advance(1)  # a pk can be reused after a delete: new ones are also later
        for p in sandbox.store.iter_people():
            if p.id is not None:
                self.cio[p.id] = p.cio_id

    async def whatif(self) -> tuple[WhatIf, list[int], list[Any]]:
        client = CustomerIOClient(
            track_origin=self.url,
            app_origin=self.url,
            site_id=SANDBOX_SITE_ID,
            track_key=SecretStr(SANDBOX_TRACK_KEY),
            app_key=SecretStr(SANDBOX_APP_KEY),
            app_rps=1000,
            track_rps=1000,
        )
        settings = sandbox_of(self.server.app).flags()
        whatif = WhatIf(ClientPeopleLookup(client), settings, clock=self.clock)
        calls = [self._resolve_cio(c) for c in self.s.calls if c[0] != "ADVANCE"]
        try:
            await whatif.load(HttpRequest(method=m, path=p, body=b) for m, p, b in calls)  # type: ignore[arg-type]
        finally:
            await client.aclose()
        statuses, bodies = [], []
        start = self.clock.now
        for req in self.s.calls:
            if req[0] == "ADVANCE":
                self.clock.advance(int(req[2]))
                continue
            m, p, b = self._resolve_cio(req)
            whatif.run(HttpRequest(method=m, path=p, body=b), "contract")  # type: ignore[arg-type]
            assert whatif.last is not None
            statuses.append(whatif.last.status)
            bodies.append(whatif.last.body)
        self.clock.now = start  # the sandbox replays the same calls at the same times
        return whatif, statuses, bodies

    def run_sandbox(self) -> tuple[list[int], list[Any]]:
        statuses, bodies = [], []
        for req in self.s.calls:
            if req[0] == "ADVANCE":
                self.clock.advance(int(req[2]))
                continue
            r = self.send(self._resolve_cio(req))
            statuses.append(r.status_code)
            bodies.append(r.json() if r.content else None)
        return statuses, bodies

    # -- reading the outcome -----------------------------------------------------------------------------------
    def sandbox_people(self) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for kind, value in self.s.names:
            if kind == "email":
                refs = self.app("/v1/customers", email=value).json()["results"]
                cios = [r["cio_id"] for r in refs]
            else:
                r = self.app(f"/v1/customers/{quote(value, safe='')}/attributes", id_type=kind)
                cios = [r.json()["customer"]["identifiers"]["cio_id"]] if r.status_code == 200 else []
            for cio_id in cios:
                customer = self.app(f"/v1/customers/{cio_id}/attributes", id_type="cio_id").json()["customer"]
                acts = self.app(f"/v1/customers/{cio_id}/activities", id_type="cio_id", limit="100").json()
                person = _norm_customer(customer)
                person["activities"] = sorted(
                    _norm_activity(a["type"], a["name"], a["data"])
                    for a in acts["activities"]
                    if int(a["id"]) > self.floor or a["timestamp"] >= self.calls_start
                )
                out.setdefault(f"{kind}:{value}:{len(out)}", person)
        return sorted(out.values(), key=json.dumps)

    def whatif_people(self, whatif: WhatIf) -> list[dict[str, Any]]:
        store = whatif.store
        out: dict[str, dict[str, Any]] = {}
        for kind, value in self.s.names:
            found: list[Person] = {"email": store.by_email, "phone": store.by_phone}.get(kind, store.by_id)(value)
            for p in found:
                person = _norm_customer(reads.customer_json(store, p))
                rows = store.activity_rows(p.cio_id)
                person["activities"] = sorted(_norm_activity(t, n, d) for _, t, n, _, d in rows)
                out.setdefault(f"{kind}:{value}:{len(out)}", person)
        return sorted(out.values(), key=json.dumps)

    def sandbox_extras(self) -> dict[str, Any]:
        db = sandbox_of(self.server.app).store.db
        names = self._names_of_cio(lambda cio: sandbox_of(self.server.app).store.by_cio(cio))
        rels = sorted((t, o, names(w)) for t, o, w in db.execute("SELECT type_id, object_id, who FROM relationships"))
        rows = db.execute("SELECT type_id, object_id, attrs FROM objects")
        objects = sorted((t, o, json.loads(a)) for t, o, a in rows)
        anon = sorted((a, t, n) for a, t, n in db.execute("SELECT anonymous_id, type, name FROM anonymous_events"))
        metrics = sorted((d, m) for d, m in db.execute("SELECT delivery_id, metric FROM metrics"))
        return {
            "relationships": rels,
            "objects": [list(o[:2]) + [o[2]] for o in objects],
            "anonymous": anon,
            "metrics": metrics,
        }

    def whatif_extras(self, whatif: WhatIf) -> dict[str, Any]:
        store = whatif.store
        names = self._names_of_cio(store.by_cio)
        rels = sorted((t, o, names(w)) for t, o, w in store.relationships)
        objects = sorted(([t, o, a] for (t, o), a in store.objects.items()), key=json.dumps)
        anon = sorted((a, t, n) for a, rows in store.anonymous_events.items() for t, n, _, _ in rows)
        metrics = sorted((d, m) for d, m, _, _ in store.metrics)
        return {"relationships": rels, "objects": objects, "anonymous": anon, "metrics": metrics}

    @staticmethod
    def _names_of_cio(by_cio: Callable[[str], Person | None]) -> Callable[[str], str]:
        def name(who: str) -> str:
            if who.startswith("cio:"):
                p = by_cio(who[4:])
                return f"person {p.id or p.email}" if p else "missing"
            return who

        return name


async def both(scenario: Scenario, tmp: Path) -> tuple[Outcome, Outcome]:
    run = Run(scenario, tmp)
    try:
        run.apply_setup()
        whatif, w_status, w_bodies = await run.whatif()
        predicted = Outcome(w_status, w_bodies, run.whatif_people(whatif), run.whatif_extras(whatif), whatif.behaviours)
        s_status, s_bodies = run.run_sandbox()
        served = Outcome(s_status, s_bodies, run.sandbox_people(), run.sandbox_extras(), set())
        return served, predicted
    finally:
        run.close()


def default_settings() -> WorkspaceSettings:
    return WorkspaceSettings()
