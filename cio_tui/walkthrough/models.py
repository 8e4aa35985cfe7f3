"""Typed records the walkthrough keeps: settings the operator reports, audit counts, check results, plan records."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


ConnectionMode = Literal["cloud", "device", "both"]
Datacenter = Literal["us", "eu"]
IdentifierMode = Literal["email_or_id", "id_only"]
CutoverMethod = Literal["one_step", "received_at_filters"]


class ClassicSettings(_Model):
    """The classic destination's settings as the operator reads them in Segment (the connect step)."""

    site_id: str | None = None
    datacenter: Datacenter | None = None
    convert_to_unix_time: bool | None = None
    connection_mode: ConnectionMode | None = None

    def missing(self) -> list[str]:
        labels = {
            "site_id": "site id",
            "datacenter": "datacenter",
            "convert_to_unix_time": "Convert to Unix Time",
            "connection_mode": "connection mode",
        }
        return [label for name, label in labels.items() if getattr(self, name) is None]


class ConnectionCheck(_Model):
    """The outcome of checking the workspace's keys and region (the connect step)."""

    checked_at: datetime
    ok: bool
    region: str | None = None
    detail: str = ""


class IdentifierSettings(_Model):
    """The workspace's identifier settings as the operator reports them (the identifiers step)."""

    mode: IdentifierMode | None = None
    auto_merge: bool | None = None
    email_updates_by_id: bool | None = None

    def missing(self) -> list[str]:
        labels = {
            "mode": "identifier mode",
            "auto_merge": "auto-merge",
            "email_updates_by_id": "allow email updates by id",
        }
        return [label for name, label in labels.items() if getattr(self, name) is None]


class DuplicateRuleCount(_Model):
    rule: str
    groups: int
    people: int = 0


class AuditCounts(_Model):
    """The audit step: what the classic setup left behind. ``None`` means "could not be counted from this source"."""

    source: Literal["live", "export"]
    source_detail: str = ""
    taken_at: datetime
    people: int = 0
    leads: int = 0
    email_as_id: int = 0
    case_variant_ids: int = 0
    unsubscribed: int = 0
    suppressed: int | None = None
    anonymous_only: int = 0
    duplicate_groups: list[DuplicateRuleCount] = Field(default_factory=list)
    duplicate_groups_total: int | None = None
    """Distinct groups (a group linked by two rules counts once); None = not counted."""
    duplicate_profiles: int | None = None
    """People in duplicate groups beyond one per group (profiles billed for nothing); None = not counted."""
    price_per_profile: float | None = None
    """The operator's price per profile per month when the audit ran (``CIO_TUI_PRICE_PER_PROFILE``); None = unset."""
    notes: list[str] = Field(default_factory=list)

    @property
    def cost_line(self) -> str | None:
        """``duplicates cost about $X a month (...)`` when both the count and the price are known."""
        from cio_tui.identity.duplicates.cost import cost_line

        if self.duplicate_profiles is None:
            return None
        return cost_line(self.duplicate_profiles, self.price_per_profile)

    @property
    def duplicate_group_total(self) -> int:
        if self.duplicate_groups_total is not None:
            return self.duplicate_groups_total
        return sum(r.groups for r in self.duplicate_groups)

    def duplicate_rules_line(self) -> str:
        """The groups per rule, and why they can add up to more than the distinct groups of the chart."""
        line = "Duplicate groups by rule: " + ", ".join(f"{r.rule} {r.groups}" for r in self.duplicate_groups)
        if sum(r.groups for r in self.duplicate_groups) > self.duplicate_group_total:
            line += (
                f" (a group can match several rules, so these add up to more than the "
                f"{self.duplicate_group_total} distinct groups)"
            )
        return line

    def chart_rows(self) -> list[tuple[str, int]]:
        """(label, count) rows for the audit chart, in a fixed order."""
        rows = [
            ("Email-only leads", self.leads),
            ("Email used as id", self.email_as_id),
            ("Case-variant ids", self.case_variant_ids),
            ("Duplicate groups", self.duplicate_group_total),
            ("Unsubscribed", self.unsubscribed),
            ("Anonymous-only", self.anonymous_only),
        ]
        if self.suppressed is not None:
            rows.append(("Suppressed", self.suppressed))
        return rows


class CheckResult(_Model):
    """One verification check (the verify step)."""

    key: str
    title: str
    passed: bool
    detail: str = ""
    examples: list[str] = Field(default_factory=list)
    pending: bool = False  # nothing to look at yet (no traffic since the switch): not passed, not failed either

    @property
    def mark(self) -> str:
        from cio_tui.cutover.verify import check_mark

        return check_mark(self.passed, self.pending)


class VerifyResult(_Model):
    ran_at: datetime
    since: datetime | None = None
    sampled: int = 0
    checks: list[CheckResult] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed and not c.pending]

    @property
    def pending(self) -> list[CheckResult]:
        return [c for c in self.checks if c.pending]


class CutoverChoice(_Model):
    """The cut-over step: how Segment is switched from classic to Actions, and when."""

    method: CutoverMethod | None = None
    cutover_at: datetime | None = None
    notes: str = ""


class PlanRecord(_Model):
    """A plan the walkthrough produced or the operator attached (the repair step's repairs, cleanup)."""

    plan_id: str
    kind: str
    path: str | None = None
    operations: int = 0
    created_at: datetime
    description: str = ""


class RehearsalExample(_Model):
    """One person a rehearsal found different: how to look them up in People and the call that did it."""

    kind: str
    who: str  # the label shown
    lookup: str | None = None  # a cio_id of the workspace, else an id or an email
    line: int | None = None  # the line of the traffic file with the first call that did it
    file: str | None = None
    created_under: str | None = None  # "classic" or "actions": the replay made this person, the workspace has not


class RehearsalRecord(_Model):
    """The preview step's rehearsal on real traffic: what the replay found and where its Markdown report is."""

    traffic: str
    taken_at: datetime
    calls: int
    malformed: int
    people_differing: int
    kinds: dict[str, int] = Field(default_factory=dict)
    starting_people: int = 0
    starting_from: str = ""  # the people export, or the people the traffic names read from the workspace
    mappings: str = "default presets"  # the default presets, or which subscriptions (a file, or read live)
    report_path: str | None = None
    examples: list[RehearsalExample] = Field(default_factory=list)
