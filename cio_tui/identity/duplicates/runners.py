"""Running the portable rules inside an engine: the same stages as a printed script, but the label passes repeat
until a pass changes nothing (a script unrolls a fixed number). Each engine (``engines/``) only says how to make a
table from a SELECT, read one number, and fetch rows; this module decides what runs, in which order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from cio_tui.identity.duplicates import portable as P
from cio_tui.identity.duplicates.dialects import stage_body
from cio_tui.identity.duplicates.result_table import ResultRow
from cio_tui.identity.duplicates.rules import MAX_GROUP_SIZE

Progress = Callable[[str, float], None]
MAX_PASSES = 200  # a safety net: pointer jumping settles chains of millions in a few dozen passes


class Engine(Protocol):
    dialect: str  # sqlglot dialect of the SELECTs

    def create(self, table: str, select: str) -> None: ...  # make (or replace) a table from a SELECT

    def scalar(self, select: str) -> object: ...

    def fetch(self, select: str) -> list[tuple[object, ...]]: ...


def run_rules(
    engine: Engine,
    source_sql: str,
    cols: P.PeopleColumns,
    *,
    max_group_size: int = MAX_GROUP_SIZE,
    progress: Progress | None = None,
    tables: P.Tables | None = None,
) -> list[ResultRow]:
    """Every rule over ``source_sql`` (the people table in the engine); returns the result table's rows."""
    report = progress or (lambda _stage, _fraction: None)
    t = tables or P.Tables()

    def make(table: str, neutral: str) -> None:
        engine.create(table, stage_body(P.Stage(table, neutral), engine.dialect, source_sql))

    report("normalising the people table", 0.05)
    make(t.people, P.people_select("CIO_SOURCE_TABLE", cols))
    report("applying the rules", 0.3)
    make(t.edges, P.edges_select(t.people, len(cols.email_attributes)))
    make(t.links, P.links_select(t.edges))
    report("linking people into groups", 0.5)
    final = _labels(engine, make, t.prefix + "labels", t.links)
    report("ranking groups", 0.8)
    make(t.members, P.members_select(t.people, P.in_set(final, 1)))
    make(t.facts, P.facts_select(t, final, max_group_size=max_group_size, passes=None, links=t.links))
    rows = engine.fetch(stage_body(P.Stage("result", P.result_select(t)), engine.dialect, source_sql))
    report("done", 1.0)
    # n: TEXT or NULL
    out = [ResultRow(str(g), str(c), str(r), str(conf), bool(p), str(n) if n else None) for g, c, r, conf, p, n in rows]
    return sorted(out, key=lambda r: (r.group_id.encode(), not r.is_primary, r.cio_id.encode()))


def _labels(engine: Engine, make: Callable[[str, str], None], name: str, links: str) -> str:
    """Label passes into ``name_0``, ``name_1``, ... until one changes nothing; returns the last table's name."""
    make(f"{name}_0", P.labels_init_select(links))
    for k in range(1, MAX_PASSES + 1):
        make(f"{name}_{k}", P.labels_step_select(links, f"{name}_{k - 1}"))
        if not engine.scalar(f"SELECT MAX(changed) FROM {name}_{k}"):
            return f"{name}_{k}"
    raise RuntimeError(f"grouping did not settle in {MAX_PASSES} passes")


def sort_rows(rows: list[ResultRow]) -> list[ResultRow]:
    """The order every engine's rows are compared in (byte order of the ids, as group_id is defined)."""
    return sorted(rows, key=lambda r: (r.group_id.encode(), not r.is_primary, r.cio_id.encode()))


__all__ = ["Engine", "run_rules", "sort_rows"]
