"""The Duplicates screen's model, without Textual: the groups, the filter, the page of rows shown, the operator's
choices (primary, exclusion, forcing), the chart figures and the merge plan.

Built for tens of thousands of groups: the search text of every group is computed once, a filter is one pass of
substring tests, and the table only ever holds one page of rows (``PAGE``), so a keystroke costs milliseconds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cio_tui.identity.duplicates.models import DuplicateGroup, choose_primary, exclude_group, force_group
from cio_tui.identity.duplicates.rules import RULES, Confidence

PAGE = 400  # rows in the table at once; the next page loads when the cursor reaches the end
SIZE_BUCKETS = ((2, "2 people"), (3, "3 people"), (5, "4-5 people"), (10**9, "6+ people"))


def state_word(group: DuplicateGroup) -> str:
    """The group's state in words (never by colour alone)."""
    if group.excluded:
        return "excluded"
    if group.needs_review:
        return "forced" if group.forced else "NEEDS REVIEW"
    return "merge-ready"


def search_text(group: DuplicateGroup) -> str:
    parts = [group.rule, group.confidence.value, state_word(group)]
    for m in group.members:
        parts += [m.cio_id or "", m.id or "", m.email or ""]
    return " ".join(parts).lower()


@dataclass
class DuplicatesModel:
    groups: list[DuplicateGroup] = field(default_factory=list)
    source: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    query: str = ""
    min_confidence: Confidence = Confidence.HIGH
    matches: list[int] = field(default_factory=list)  # indexes into groups, best first
    shown: int = 0  # how many of ``matches`` the table holds
    _search: list[str] = field(default_factory=list)

    def load(self, groups: list[DuplicateGroup], *, source: str, summary: dict[str, Any],
             problems: list[str]) -> None:
        self.groups, self.source, self.summary, self.problems = groups, source, summary, problems
        self._search = [search_text(g) for g in groups]
        self.set_query(self.query)

    # -- filtering and paging -------------------------------------------------------------------------
    def set_query(self, query: str) -> None:
        """Keep the groups whose rule, confidence, state, cio_ids, ids or emails contain every word of ``query``."""
        self.query = query
        words = query.lower().split()
        if not words:
            self.matches = list(range(len(self.groups)))
        else:
            search = self._search
            self.matches = [i for i, text in enumerate(search) if all(w in text for w in words)]
        self.shown = min(PAGE, len(self.matches))

    def page(self, start: int = 0) -> list[tuple[int, DuplicateGroup]]:
        """(group index, group) for the rows ``start``..``shown`` of the table."""
        return [(i, self.groups[i]) for i in self.matches[start:self.shown]]

    def more(self) -> int:
        """Extend the table by one page; returns where the new rows start (== ``shown`` when nothing is left)."""
        start = self.shown
        self.shown = min(self.shown + PAGE, len(self.matches))
        return start

    def refresh_search(self, index: int) -> None:
        self._search[index] = search_text(self.groups[index])

    # -- the operator's choices ----------------------------------------------------------------------
    def next_primary(self, index: int) -> DuplicateGroup:
        """Make the next member (in the compare order) the primary of the group."""
        group = self.groups[index]
        others = sorted(group.members, key=lambda m: (m.created_at is None, m.created_at or 0, m.cio_id or ""))
        current = others.index(group.primary_member)
        choose_primary(group, others[(current + 1) % len(others)].cio_id or "")
        return group

    def toggle_exclude(self, index: int) -> DuplicateGroup:
        group = self.groups[index]
        exclude_group(group, not group.excluded)
        self.refresh_search(index)
        return group

    def toggle_force(self, index: int) -> DuplicateGroup:
        group = self.groups[index]
        force_group(group, not group.forced)
        self.refresh_search(index)
        return group

    def cycle_min_confidence(self) -> Confidence:
        self.min_confidence = Confidence.MEDIUM if self.min_confidence is Confidence.HIGH else Confidence.HIGH
        return self.min_confidence

    # -- figures --------------------------------------------------------------------------------------
    def planned_groups(self) -> list[DuplicateGroup]:
        rank = self.min_confidence.rank
        return [g for g in self.groups if g.merge_ready and g.confidence.rank >= rank]

    def by_rule(self) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter()
        for g in self.groups:
            counts.update(g.rules)
        return [(r.name, counts[r.name]) for r in RULES]

    def by_size(self) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter()
        for g in self.groups:
            counts[next(label for limit, label in SIZE_BUCKETS if g.size <= limit)] += 1
        return [(label, counts[label]) for _, label in SIZE_BUCKETS]

    def status_line(self) -> str:
        if not self.groups:
            return ""
        states = Counter(state_word(g) for g in self.groups)
        planned = self.planned_groups()
        return (
            f"{len(self.groups):,} group(s) from {self.source}: {states['merge-ready']:,} merge-ready, "
            f"{states['NEEDS REVIEW']:,} need review, {states['excluded']:,} excluded, {states['forced']:,} forced. "
            f"Plan (confidence {self.min_confidence.value}+): {len(planned):,} group(s), "
            f"{sum(g.size - 1 for g in planned):,} merge(s)."
        )

    def filter_line(self) -> str:
        if not self.groups:
            return ""
        total = len(self.matches)
        scope = f"{total:,} match '{self.query}'" if self.query.strip() else f"{total:,} group(s)"
        return f"{scope}; showing {self.shown:,}" + (" (scroll down for more)" if self.shown < total else "")


__all__ = ["PAGE", "DuplicatesModel", "search_text", "state_word"]
