"""What a paste of many calls does, counted: "320 create, 100 update, 12 failed attribute changes".

Built on the preview's output only (each result's Actions errors and its outcome's effect kinds, as documented in
docs/preview.md), never on how the outcome is predicted. Each effect kind belongs to one group the operator can
filter on; a call counts once per group it shows (a call that creates a person and lands an event counts in both).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cio_tui.model.effect_kind import EffectKind  # a leaf module: GROUP_KEYS stays cheap to read

if TYPE_CHECKING:  # only the type: the CLI reads GROUP_KEYS before any preview module loads
    from cio_tui.segment.preview import PreviewResult

# (group key, words for one, words for several) in the order the summary lists them; the key is what `--only` takes.
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("create", "create", "create"),
    ("update", "update", "update"),
    ("lead", "lead given an id", "leads given an id"),
    ("identifier", "identifier change", "identifier changes"),
    ("failed", "failed attribute change", "failed attribute changes"),
    ("merge", "merge", "merges"),
    ("delete", "delete or suppress", "deletes or suppressions"),
    ("event", "event", "events"),
    ("device", "device change", "device changes"),
    ("object", "object update", "object updates"),
    ("anonymous", "anonymous call kept for a later identify", "anonymous calls kept for a later identify"),
    ("dropped", "dropped or ignored", "dropped or ignored"),
    ("refused", "refused by Customer.io", "refused by Customer.io"),
    ("rejected", "rejected by Actions", "rejected by Actions"),
    ("other", "other", "other"),
)
GROUP_WORDS = {key: one for key, one, _ in GROUPS}
GROUP_KEYS = tuple(key for key, _, _ in GROUPS)

KIND_GROUP: dict[EffectKind, str] = {
    EffectKind.CREATES_PERSON: "create",
    EffectKind.EVENT_CREATES_PERSON: "create",
    EffectKind.DEVICE_CREATES_PERSON: "create",
    EffectKind.UPDATES_PERSON: "update",
    EffectKind.EMAIL_CHANGED: "update",
    EffectKind.ASSIGNS_ID_TO_LEAD: "lead",
    EffectKind.IDENTIFIER_CHANGE: "identifier",
    # Customer.io answers these with 200 and records a failed_attribute_change activity on the person
    EffectKind.CONFLICT_FAILED: "failed",
    EffectKind.ID_CHANGE_REFUSED: "failed",
    EffectKind.EMAIL_CHANGE_REFUSED: "failed",
    EffectKind.CONFLICT_AUTO_MERGE: "merge",
    EffectKind.MERGES_PEOPLE: "merge",
    EffectKind.DELETES_PERSON: "delete",
    EffectKind.SUPPRESSES_PERSON: "delete",
    EffectKind.EVENT_ON_PERSON: "event",
    EffectKind.EVENT_ON_NEW_PERSON: "event",
    EffectKind.METRICS: "event",
    EffectKind.DEVICE_ADDED: "device",
    EffectKind.DEVICE_DELETED: "device",
    EffectKind.OBJECT_UPDATED: "object",
    EffectKind.REJECTED: "refused",  # Customer.io answers the request with an error
    EffectKind.MERGE_DOES_NOTHING: "dropped",
    EffectKind.RELATIONSHIP_NO_PERSON: "dropped",
    EffectKind.ANONYMOUS_EVENT: "anonymous",
    EffectKind.ANONYMOUS_IDENTIFY: "anonymous",
    EffectKind.DROPPED: "dropped",
    EffectKind.DROPPED_SUPPRESSED: "dropped",
    EffectKind.UPDATE_ONLY_NO_PERSON: "dropped",
    EffectKind.UPDATE_IGNORED_OLDER: "dropped",
    EffectKind.EVENT_DUPLICATE: "dropped",
    EffectKind.DEVICE_DELETED_NO_PERSON: "dropped",
    EffectKind.DELETES_PERSON_NO_PERSON: "dropped",
    EffectKind.SUPPRESSES_PERSON_NO_PERSON: "dropped",
    EffectKind.NOT_SUPPRESSED: "dropped",
    EffectKind.UNSUPPRESSES_NO_PERSON: "dropped",
}


def groups_of(result: PreviewResult) -> list[str]:
    """The groups one call shows, in ``GROUPS`` order (empty when its outcome was not predicted and Actions
    accepted it)."""
    found: set[str] = set()
    if result.actions.errors:
        found.add("rejected")
    if result.outcome is not None:
        found.update(KIND_GROUP.get(effect.kind, "other") for effect in result.outcome.effects)
    return [key for key in GROUP_KEYS if key in found]


@dataclass(frozen=True)
class OutcomeSummary:
    calls: int
    counts: dict[str, int]  # group -> calls showing it
    predicted: bool  # False when no outcome was predicted (offline)

    def line(self) -> str:
        """ "432 call(s): 320 create, 100 update, 12 failed attribute changes"."""
        parts = [f"{n} {one if n == 1 else many}" for key, one, many in GROUPS if (n := self.counts.get(key, 0))]
        if not self.predicted:
            parts.append("outcomes not predicted (offline)")
        return f"{self.calls} call(s): " + (", ".join(parts) if parts else "nothing happens")

    def choices(self) -> list[tuple[str, str]]:
        """(group, label with its count) for a filter, only the groups present."""
        return [(key, f"{one} ({self.counts[key]})") for key, one, _ in GROUPS if self.counts.get(key)]


def summarize(results: Sequence[PreviewResult]) -> OutcomeSummary:
    counts: Counter[str] = Counter()
    for result in results:
        counts.update(groups_of(result))
    predicted = any(r.outcome is not None for r in results)
    return OutcomeSummary(calls=len(results), counts=dict(counts), predicted=predicted)


def only(results: Iterable[PreviewResult], group: str) -> list[tuple[int, PreviewResult]]:
    """(call number from 1, result) of the calls that show ``group``."""
    return [(n, r) for n, r in enumerate(results, 1) if group in groups_of(r)]


__all__ = ["GROUPS", "GROUP_KEYS", "GROUP_WORDS", "KIND_GROUP", "OutcomeSummary", "groups_of", "only", "summarize"]
