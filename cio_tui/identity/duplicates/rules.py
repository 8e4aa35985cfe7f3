"""The duplicate rules: what each one finds, how sure it is, and why it happens with the classic integration."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1}[self.value]

    @classmethod
    def from_rank(cls, rank: int) -> Confidence:
        return {3: cls.HIGH, 2: cls.MEDIUM, 1: cls.LOW}[rank]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule (a plain dataclass: the ``duplicates`` command does not import pydantic)."""

    code: int
    name: str
    confidence: Confidence
    title: str
    phrase: str  # used in a group's reason: "<phrase> '<value>'"
    explanation: str


RULES: tuple[Rule, ...] = (
    Rule(
        code=1,
        name="same_email",
        confidence=Confidence.MEDIUM,
        title="Same email on several people",
        phrase="same email (trimmed, lower-cased)",
        explanation=(
            "Several people hold the same email once spaces are trimmed and case is ignored. In an id-only "
            "workspace email is an ordinary attribute, so one person identified under two ids (or imported "
            "twice) looks like this. In an email-or-id workspace email is unique, so this comes from an id-only "
            "export or from imports."
        ),
    ),
    Rule(
        code=2,
        name="lead_and_id_person",
        confidence=Confidence.HIGH,
        title="Email-only lead and a person with an id share the email",
        phrase="email-only lead and a person with an id hold the email",
        explanation=(
            "A lead identified only by email (no id) and a person with an id holding the same email (in the email "
            "column or another email attribute). The classic destination created the lead before signup; the "
            "identify with the user id then created a second person."
        ),
    ),
    Rule(
        code=3,
        name="email_as_id",
        confidence=Confidence.HIGH,
        title="Id that is another person's email",
        phrase="an id is the email of another person",
        explanation=(
            "A person's id is an email address equal to another person's email: the app sent the email as the "
            "userId. That id is a placeholder, not a real user id."
        ),
    ),
    Rule(
        code=4,
        name="case_variant_id",
        confidence=Confidence.MEDIUM,
        title="Ids equal except for case",
        phrase="ids equal except for upper/lower case",
        explanation=(
            "Ids that differ only in upper/lower case ('User1' and 'user1'). Customer.io ids are case-sensitive, so "
            "they are two people; usually one app or import changed the case. They are two different ids, so "
            "the group needs review before any merge."
        ),
    ),
    Rule(
        code=5,
        name="shared_anonymous_id",
        confidence=Confidence.LOW,
        title="Shared anonymous_id",
        phrase="shared anonymous_id",
        explanation=(
            "People share an anonymous_id attribute: one browser or device was identified as each of them. "
            "Often the same person before and after signup, but also a shared or family device."
        ),
    ),
)

RULES_BY_NAME = {r.name: r for r in RULES}
# The three rules the benchmark compares against a plain DuckDB query.
MAIN_RULES = ("same_email", "lead_and_id_person", "email_as_id")
# Values of anonymous_id that are placeholders, never evidence.
ANONYMOUS_PLACEHOLDERS = ("null", "undefined", "none", "nil", "0", "-")
# Groups bigger than this are never merge-ready: a placeholder value is the likelier cause.
MAX_GROUP_SIZE = 50
