"""Seeded generator of a realistic workspace, deterministic from (people, seed, mode) with a FIXED base time.

It makes customers, email-only leads, people whose id is an email, ids differing only in case, duplicate clusters
of every kind the duplicate finder knows, unsubscribed and suppressed people, devices, segments, events, activities
and messages. Each duplicate cluster is recorded (``clusters`` table, ``ground_truth()``) so precision and recall
can be measured. Person number ``n`` (1-based, generation order) always gets ``cio_id = cio_for(n)``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cio_tui.sandbox.store import cio_for

BASE_TIME = 1_767_225_600  # 2026-01-01T00:00:00Z: no wall clock, so screenshots and tests are stable
SPREAD = 3 * 365 * 86400

FIRST = (
    "Ada",
    "Ben",
    "Chloe",
    "Dan",
    "Eva",
    "Finn",
    "Grace",
    "Hugo",
    "Iris",
    "Jonas",
    "Kira",
    "Leo",
    "Maya",
    "Nils",
    "Olga",
    "Paul",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Yara",
    "Zoe",
)
LAST = (
    "Adams",
    "Berg",
    "Costa",
    "Diaz",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Huber",
    "Ito",
    "Jansen",
    "Kowalski",
    "Lopez",
    "Meyer",
    "Novak",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
)
DOMAINS = ("example.com", "mail.example.org", "acme.test", "globex.test", "initech.test", "umbrella.test")
PLANS = ("free", "free", "free", "starter", "pro", "enterprise")
EVENTS = ("Signed Up", "Order Completed", "Viewed Pricing", "Invited Teammate", "Subscription Renewed")
SEGMENTS = (
    (1, "Newsletter subscribers", "People who opted in to the monthly newsletter", "manual"),
    (2, "Beta testers", "Early access programme", "manual"),
    (3, "Trial users", "On a trial plan", "manual"),
    (4, "VIP customers", "Enterprise accounts", "manual"),
)
# Duplicate kinds; the names are the cluster ``kind`` recorded in the ground truth.
KINDS = ("same_email", "lead_and_id_person", "id_is_email", "case_variant_id", "shared_anonymous_id")


@dataclass
class GenPerson:
    id: str | None
    email: str | None
    created_at: int
    attrs: dict[str, Any]
    unsubscribed: bool = False
    cluster: tuple[int, str] | None = None  # (cluster number, kind)
    devices: list[tuple[str, str, int]] = field(default_factory=list)
    events: list[tuple[str, str | None, int, dict[str, Any]]] = field(default_factory=list)  # type, name, ts, data
    segments: list[int] = field(default_factory=list)
    messages: list[tuple[str, str, int]] = field(default_factory=list)  # type, subject, created


class Generator:
    def __init__(self, seed: int, mode: str = "email_or_id", *, history: bool = True) -> None:
        self.rng = random.Random(seed)
        self.hist_rng = random.Random(f"history-{seed}")  # separate stream: people do not depend on `history`
        self.mode = mode
        self.history = history
        self.serial = 0
        self.cluster_no = 0

    # -- building blocks ---------------------------------------------------------------------------
    def _name(self) -> tuple[str, str, int]:
        self.serial += 1
        r = self.rng
        return r.choice(FIRST), r.choice(LAST), self.serial

    def _email(self, first: str, last: str, n: int) -> str:
        return f"{first.lower()}.{last.lower()}{n}@{self.rng.choice(DOMAINS)}"

    def _created(self) -> int:
        return BASE_TIME - int(SPREAD * self.rng.random() ** 1.7) - 3600

    def _person(self, *, id_: str | None, email: str | None, first: str, last: str) -> GenPerson:
        r = self.rng
        attrs: dict[str, Any] = {"first_name": first, "last_name": last, "plan": r.choice(PLANS)}
        if r.random() < 0.6:
            attrs["company"] = f"{r.choice(LAST)} {r.choice(('GmbH', 'Ltd', 'Inc', 'AB', 'SA'))}"
        if r.random() < 0.4:
            attrs["anonymous_id"] = f"anon-{r.getrandbits(64):016x}"
        if r.random() < 0.5:
            attrs["logins"] = r.randint(1, 400)
        if r.random() < 0.1:
            attrs["beta"] = True
        p = GenPerson(id_, email, self._created(), attrs, unsubscribed=r.random() < 0.06)
        if self.history:
            self._history(p)
        return p

    def _history(self, p: GenPerson) -> None:
        r = self.hist_rng
        p.events.append(("profile_create", None, p.created_at, {}))
        for _ in range(r.choice((0, 0, 1, 1, 2, 3))):
            ts = r.randint(p.created_at, BASE_TIME)
            name = r.choice(EVENTS)
            p.events.append(("event", name, ts, {"value": r.randint(5, 500)} if name == "Order Completed" else {}))
        if r.random() < 0.2 and p.id:
            last_used = BASE_TIME - r.randint(0, 9_000_000)
            p.devices.append((f"dev-{r.getrandbits(48):012x}", r.choice(("ios", "android")), last_used))
        for seg_id, *_ in SEGMENTS:
            if r.random() < 0.08:
                p.segments.append(seg_id)
        if p.email and r.random() < 0.15:
            p.messages.append(("email", "Your monthly update", r.randint(p.created_at, BASE_TIME)))

    def customer(self) -> GenPerson:
        first, last, n = self._name()
        return self._person(id_=f"u{n:07d}", email=self._email(first, last, n), first=first, last=last)

    def lead(self) -> GenPerson:
        first, last, n = self._name()
        if self.mode == "id_only":  # no leads in an ID-only workspace: a customer instead
            return self._person(id_=f"u{n:07d}", email=self._email(first, last, n), first=first, last=last)
        return self._person(id_=None, email=self._email(first, last, n), first=first, last=last)

    def email_as_id(self) -> GenPerson:
        first, last, n = self._name()
        email = self._email(first, last, n)
        return self._person(id_=email, email=email, first=first, last=last)

    # -- duplicate clusters -----------------------------------------------------------------------
    def cluster(self, kind: str) -> list[GenPerson]:
        r = self.rng
        first, last, n = self._name()
        email = self._email(first, last, n)
        if kind == "same_email":
            members = [self._person(id_=f"u{n:07d}", email=email, first=first, last=last)]
            for _ in range(r.choice((1, 1, 2))):
                _, _, m = self._name()
                variant = email.upper() if r.random() < 0.3 else email.capitalize()
                members.append(self._person(id_=f"u{m:07d}", email=variant, first=first, last=last))
        elif kind == "lead_and_id_person":
            lead = self._person(id_=None, email=email, first=first, last=last)
            _, _, m = self._name()
            members = [lead, self._person(id_=f"u{m:07d}", email=email, first=first, last=last)]
        elif kind == "id_is_email":
            placeholder = self._person(id_=email, email=None, first=first, last=last)
            _, _, m = self._name()
            members = [placeholder, self._person(id_=f"u{m:07d}", email=email, first=first, last=last)]
        elif kind == "case_variant_id":
            base = f"User{n:07d}"
            other_email = self._email(first, last, self._name()[2])
            members = [
                self._person(id_=base, email=email, first=first, last=last),
                self._person(id_=base.lower(), email=other_email if r.random() < 0.5 else None, first=first, last=last),
            ]
        else:  # shared_anonymous_id
            anon = f"anon-{r.getrandbits(64):016x}"
            _, _, m = self._name()
            other = self._email(first, last, m)
            members = [
                self._person(id_=f"u{n:07d}", email=email, first=first, last=last),
                self._person(id_=None if self.mode != "id_only" else f"u{m:07d}", email=other, first=first, last=last),
            ]
            for p in members:
                p.attrs["anonymous_id"] = anon
        self.cluster_no += 1
        for p in members:
            p.cluster = (self.cluster_no, kind)
        if self.history and kind in ("lead_and_id_person", "id_is_email"):
            members[-1].events.append(
                (
                    "failed_attribute_change",
                    "email",
                    BASE_TIME - 86400,
                    {"attribute": "email", "value": email, "reason": "the email belongs to another person"},
                )
            )
        return members

    def people(self, count: int) -> Iterator[GenPerson]:
        """Exactly ``count`` people, in the order they get their cio_ids."""
        made = 0
        kinds = (
            KINDS
            if self.mode == "email_or_id"
            else ("same_email", "id_is_email", "case_variant_id", "shared_anonymous_id")
        )
        while made < count:
            roll = self.rng.random()
            if roll < 0.72:
                batch = [self.customer()]
            elif roll < 0.84:
                batch = [self.lead()]
            elif roll < 0.88:
                batch = [self.email_as_id()]
            else:
                batch = self.cluster(self.rng.choice(kinds))
            for p in batch[: count - made]:
                made += 1
                yield p

    def suppressed(self, count: int) -> list[tuple[str, str]]:
        """Identifiers of people who were suppressed (their profiles are gone)."""
        out = []
        for _ in range(count):
            first, last, n = self._name()
            out.append((f"u{n:07d}", self._email(first, last, n)))
        return out


def cio_of(number: int) -> str:
    """cio_id of the ``number``-th generated person (1-based)."""
    return cio_for(number)
