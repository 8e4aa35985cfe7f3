"""The Duplicates screen's model, without Textual: the groups, the filter, the page of rows shown, the operator's
choices (primary, exclusion, forcing), the chart figures and the merge plan.

Built for tens of thousands of groups: the search text of every group is computed once, a filter is one pass of
substring tests, and the table only ever holds one page of rows (``PAGE``), so a keystroke costs milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cio_tui.identity.duplicates.models import DuplicateGroup, choose_primary, exclude_group, force_group
from cio_tui.identity.duplicates.rules import RULES, Confidence

PAGE = 40  # rows added to the table at once (a screenful or two); more load when the cursor reaches the end
SIZE_BUCKETS = ((2, "2 people"), (3, "3 people"), (10**9, "4+ people"))


def state_word(group: DuplicateGroup) -> str:
    """The group's state in words (never by colour alone)."""
    if group.stale:
        return "STALE"
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
    _states: Counter[str] = field(default_factory=Counter)  # state word -> groups, kept up to date by the choices
    _planned: list[int] = field(default_factory=lambda: [0, 0])  # groups, merges in the plan at min_confidence

    def load(self, groups: list[DuplicateGroup], *, source: str, summary: dict[str, Any], problems: list[str]) -> None:
        self.groups, self.source, self.summary, self.problems = groups, source, summary, problems
        self._search = [search_text(g) for g in groups]
        self._recount()
        self.set_query(self.query, narrow=False)

    def refresh_states(self) -> None:
        """Recount and re-index after groups changed outside the choices (marked stale by a live re-read)."""
        self._search = [search_text(g) for g in self.groups]
        self._recount()
        self.set_query(self.query, narrow=False)

    def _recount(self) -> None:
        self._states = Counter(state_word(g) for g in self.groups)
        planned = self.planned_groups()
        self._planned = [len(planned), sum(g.size - 1 for g in planned)]

    def _change(self, index: int, change: Callable[[DuplicateGroup], object]) -> DuplicateGroup:
        """Apply one choice to one group, keeping the counts right without a pass over every group."""
        group = self.groups[index]
        rank = self.min_confidence.rank
        before_state, before_planned = state_word(group), group.merge_ready and group.confidence.rank >= rank
        change(group)
        after_state, after_planned = state_word(group), group.merge_ready and group.confidence.rank >= rank
        self._states[before_state] -= 1
        self._states[after_state] += 1
        delta = int(after_planned) - int(before_planned)
        self._planned[0] += delta
        self._planned[1] += delta * (group.size - 1)
        self._search[index] = search_text(group)
        return group

    # -- filtering and paging -------------------------------------------------------------------------
    def set_query(self, query: str, *, narrow: bool = True) -> None:
        """Keep the groups whose rule, confidence, state, cio_ids, ids or emails contain every word of ``query``.

        Typing more of the same query narrows the current matches instead of scanning every group again."""
        words = query.lower().split()
        narrowing = (
            narrow
            and bool(self.query.strip())
            and query.startswith(self.query)
            and len(words) == len(self.query.split())
        )
        self.query = query
        search = self._search
        if not words:
            self.matches = list(range(len(self.groups)))
        else:
            pool = self.matches if narrowing else range(len(search))
            if len(words) == 1:
                word = words[0]
                self.matches = [i for i in pool if word in search[i]]
            else:
                self.matches = [i for i in pool if all(w in search[i] for w in words)]
        self.shown = min(PAGE, len(self.matches))

    def page(self, start: int = 0) -> list[tuple[int, DuplicateGroup]]:
        """(group index, group) for the rows ``start``..``shown`` of the table."""
        return [(i, self.groups[i]) for i in self.matches[start : self.shown]]

    def more(self) -> int:
        """Extend the table by one page; returns where the new rows start (== ``shown`` when nothing is left)."""
        start = self.shown
        self.shown = min(self.shown + PAGE, len(self.matches))
        return start

    # -- the operator's choices ----------------------------------------------------------------------
    def next_primary(self, index: int) -> DuplicateGroup:
        """Make the next member (oldest first) the primary of the group."""

        def swap(group: DuplicateGroup) -> None:
            order = sorted(group.members, key=lambda m: (m.created_at is None, m.created_at or 0, m.cio_id or ""))
            current = order.index(group.primary_member)
            choose_primary(group, order[(current + 1) % len(order)].cio_id or "")

        return self._change(index, swap)

    def toggle_exclude(self, index: int) -> DuplicateGroup:
        return self._change(index, lambda g: exclude_group(g, not g.excluded))

    def toggle_force(self, index: int) -> DuplicateGroup:
        return self._change(index, lambda g: force_group(g, not g.forced))

    def cycle_min_confidence(self) -> Confidence:
        self.min_confidence = Confidence.MEDIUM if self.min_confidence is Confidence.HIGH else Confidence.HIGH
        self._recount()
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
        states, (planned, merges) = self._states, self._planned
        return (
            f"{len(self.groups):,} group(s) from {self.source}: {states['merge-ready']:,} merge-ready, "
            f"{states['NEEDS REVIEW']:,} need review, {states['excluded']:,} excluded, {states['forced']:,} forced. "
            f"Plan (confidence {self.min_confidence.value}+): {planned:,} group(s), {merges:,} merge(s)."
            + (f" {states['STALE']:,} stale (changed since read: group again with l or o)." if states["STALE"] else "")
        )

    def filter_line(self) -> str:
        if not self.groups:
            return ""
        total = len(self.matches)
        scope = f"{total:,} match '{self.query}'" if self.query.strip() else f"{total:,} group(s)"
        return f"{scope}; showing {self.shown:,}" + (" (scroll down for more)" if self.shown < total else "")


__all__ = ["PAGE", "DuplicatesModel", "search_text", "state_word"]
