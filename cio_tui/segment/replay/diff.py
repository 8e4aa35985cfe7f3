"""The population diff between the two what-if copies after a replay: how many people end up different, by kind.

People are matched across the copies by ``cio_id`` when they were in the starting workspace, else by ``id``, else
by email, else by ``anonymous_id`` (a person created during the replay has a different cio_id in each copy). Kinds
(each counts people):

- ``created_only_classic`` / ``created_only_actions``: a person exists at the end under one destination only.
- ``lead_converted_only_one``: a lead (email, no id) was given an id under one destination only.
- ``failed_attribute_change``: an attribute change failed (a conflict, an id change refused...) under one only.
- ``merged_by_alias``: an ``alias`` merged this person away (Actions' Merge People; classic ignores alias).
- ``attribute_type_changed``: an attribute holds a string under one and a number under the other.
- ``anonymous_activity_attached``: anonymous events joined this person under one destination only.
- ``dropped_by_timestamp_order``: an update was ignored because its timestamp is older than the person's last
  update, under one destination only (only Actions sends a timestamp with identify).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from cio_tui.model import Person, norm_email
from cio_tui.segment.replay.copies import CopyEnd

DiffKind = Literal[
    "created_only_classic",
    "created_only_actions",
    "lead_converted_only_one",
    "failed_attribute_change",
    "merged_by_alias",
    "attribute_type_changed",
    "anonymous_activity_attached",
    "dropped_by_timestamp_order",
]
"""What one person's two outcomes (classic vs Actions) differ by."""
KINDS: tuple[DiffKind, ...] = get_args(DiffKind)
EXAMPLES = 5


@dataclass
class Kind:
    kind: DiffKind
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, person: dict[str, Any], where: tuple[int, int] | None, detail: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            example: dict[str, Any] = {"person": person, "detail": detail}
            if where is not None:
                example["source"], example["line"] = where
            self.examples.append(example)


def person_key(p: Person, starters: set[str]) -> str:
    if p.cio_id in starters:
        return "cio:" + p.cio_id
    if p.id:
        return "id:" + p.id
    if p.email:
        return "email:" + (norm_email(p.email) or "")
    anonymous = p.attrs.get("anonymous_id")
    return f"anon:{anonymous}" if anonymous else "new:" + p.cio_id


def _shown(p: Person, copy: str, starters: set[str]) -> dict[str, Any]:
    """How an example names a person: real cio_ids only for people of the starting workspace."""
    out: dict[str, Any] = {"id": p.id, "email": p.email}
    if p.cio_id in starters:
        out["cio_id"] = p.cio_id
    else:
        out["created_under"] = copy
    return out


def _kind_of(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else None


def _state(p: Person) -> tuple[Any, ...]:
    return (p.id, norm_email(p.email), p.unsubscribed, p.attrs)


def _named(copy: CopyEnd, cio_id: str, starters: set[str]) -> tuple[str, dict[str, Any]]:
    """The match key and the shown identity of a marked person, still there or merged away since."""
    person = copy.people.get(cio_id)
    if person is not None:
        return person_key(person, starters), _shown(person, copy.name, starters)
    user_id, email = copy.marks.named.get(cio_id, (None, None))
    if cio_id in starters:
        return "cio:" + cio_id, {"cio_id": cio_id, "id": user_id, "email": email}
    key = "id:" + user_id if user_id else ("email:" + (norm_email(email) or "") if email else "gone:" + cio_id)
    return key, {"id": user_id, "email": email, "created_under": copy.name}


def population_diff(classic: CopyEnd, actions: CopyEnd, starters: set[str]) -> tuple[int, list[Kind]]:
    """(people differing, kinds) between the two copies at the end of a replay."""
    kinds = {k: Kind(k) for k in KINDS}
    ends = {}
    for copy in (classic, actions):
        ends[copy.name] = {person_key(p, starters): p for p in copy.people.values()}
    c_end, a_end = ends[classic.name], ends[actions.name]
    differing = 0
    for key in sorted(set(c_end) | set(a_end)):
        c, a = c_end.get(key), a_end.get(key)
        if c is None or a is None or _state(c) != _state(a):
            differing += 1
        if c is not None and a is None and c.cio_id not in starters:
            kinds["created_only_classic"].add(_shown(c, "classic", starters), None, "exists only under classic")
        if a is not None and c is None and a.cio_id not in starters:
            kinds["created_only_actions"].add(_shown(a, "actions", starters), None, "exists only under Actions")
        if c is not None and a is not None:
            changed = [
                f"{name}: {_kind_of(c.attrs[name])} under classic, {_kind_of(a.attrs[name])} under Actions"
                for name in sorted(set(c.attrs) & set(a.attrs))
                if {_kind_of(c.attrs[name]), _kind_of(a.attrs[name])} == {"string", "number"}
            ]
            if changed:
                kinds["attribute_type_changed"].add(_shown(a, "actions", starters), None, "; ".join(changed[:3]))
    marked: tuple[tuple[str, DiffKind], ...] = (
        ("lead_converted", "lead_converted_only_one"),
        ("failed_attribute_change", "failed_attribute_change"),
        ("anonymous_activity_attached", "anonymous_activity_attached"),
        ("dropped_by_timestamp_order", "dropped_by_timestamp_order"),
    )
    for mark, kind in marked:
        seen: dict[str, tuple[str, tuple[int, int], dict[str, Any]]] = {}
        both: set[str] = set()
        for copy in (classic, actions):
            for cio_id, marks in copy.marks.first.items():
                if mark not in marks:
                    continue
                key, shown = _named(copy, cio_id, starters)
                if key in seen and seen[key][0] != copy.name:
                    both.add(key)
                seen.setdefault(key, (copy.name, marks[mark], shown))
        for key, (name, where, shown) in seen.items():
            if key not in both:
                kinds[kind].add(shown, where, f"under {'classic' if name == classic.name else 'Actions'} only")
    for cio_id, (where, named) in actions.merged_away.items():
        person = {**named, "cio_id": cio_id} if cio_id in starters else {**named, "created_under": "actions"}
        kinds["merged_by_alias"].add(person, where, "merged into another person by an alias and deleted")
    return differing, [kinds[k] for k in KINDS]
