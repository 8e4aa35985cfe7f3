"""Running the portable rules inside an engine: the same stages as a printed script, but the label passes repeat
until a pass changes nothing (a script unrolls a fixed number), and the pass that resolves a cio_id on several rows
runs only when some linked cio_id is on several rows. Each engine (``engines.py``, and the embedded engine) only says
how to make a table from a SELECT, read one number, and fetch rows; this module decides what runs, in which order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from cio_tui.identity.duplicates import portable as P
from cio_tui.identity.duplicates.dialects import render_select, stage_body
from cio_tui.identity.duplicates.result_table import ResultRow
from cio_tui.identity.duplicates.rules import MAX_GROUP_SIZE

Progress = Callable[[str, float], None]
MAX_PASSES = 200  # a safety net: pointer jumping settles chains of millions in a few dozen passes


class Engine(Protocol):
    dialect: str  # sqlglot dialect of the SELECTs

    def create(self, table: str, select: str) -> None: ...  # make (or replace) a table from a SELECT

    def scalar(self, select: str) -> object: ...

    def fetch(self, select: str) -> list[tuple[object, ...]]: ...

    def drop(self, table: str) -> None: ...  # a stage table no later stage reads (its memory back)


@dataclass(frozen=True)
class StageTables:
    """Where a run left its stages: ``rows`` (every row), ``copies`` (linked rows numbered per cio_id), ``people``
    and ``edges`` (one row per cio_id: ``rows`` and its edges when no linked cio_id repeats), the final ``labels``,
    ``members`` and ``facts``; ``result`` is the SELECT of the result table (empty for the embedded engine, whose
    members are ``group_people_select``'s: its listings make the result table, ``ranking.py``)."""

    rows: str
    copies: str
    people: str
    edges: str
    labels: str
    members: str
    facts: str
    result: str
    repeats: int  # extra rows of cio_ids in groups (their first row counts; ``copies`` is made only then)


def run_stages(
    engine: Engine,
    source_sql: str,
    cols: P.PeopleColumns,
    *,
    max_group_size: int = MAX_GROUP_SIZE,
    progress: Progress | None = None,
    tables: P.Tables | None = None,
) -> StageTables:
    """Every rule over ``source_sql`` (the people table in the engine), up to the group facts."""
    report = progress or (lambda _stage, _fraction: None)
    t = tables or P.Tables()
    n = len(cols.email_attributes)
    hashed = engine.dialect == "duckdb"
    nid = P.ROWID if cols.ordinal == P.ROWID else "node"  # DuckDB's rowid: links on numbers, not on text

    def make(table: str, neutral: str) -> None:
        engine.create(table, stage_body(P.Stage(table, neutral), engine.dialect, source_sql))

    report("reading and normalising the people", 0.05)
    make(t.rows, P.people_select("CIO_SOURCE_TABLE", cols))
    report("applying the rules", 0.4)
    make(t.row_edges, P.edges_select(t.rows, n, hashed=hashed, nid=nid))
    people, edges = t.rows, t.row_edges
    final = _group(engine, make, t, edges, people, report, nid)
    # A linked cio_id on several rows (linked or not): then, and only then, the rules run again on one row per
    # cio_id, its first (a repeated row's keys must not count), which a script always does.
    repeats = int(str(engine.scalar(render_select(P.repeats_select(t.rows, t.row_edges, cols), engine.dialect)) or 0))
    if repeats:
        make(t.copies, P.copies_select(t.rows, t.row_edges, cols))
        make(t.people, P.deduped_select(t.rows, t.copies, cols))
        make(t.edges, P.edges_select(t.people, n, hashed=hashed, nid=nid))
        engine.drop(t.row_edges)
        people, edges = t.people, t.edges
        final = _group(engine, make, t, edges, people, report, nid)
    report("ranking groups", 0.8)
    make(t.group_rules, P.group_rules_select(edges, final))
    make(t.mixed, P.mixed_select(t.group_rules))
    make(t.tier_links, P.tier_links_select(edges, final, t.mixed))
    tiers = _labels(engine, make, t.prefix + "tier_labels", t.tier_links)
    engine.drop(t.tier_links)
    lite = nid == P.ROWID  # the embedded engine: narrow members, the group ids with the facts
    make(t.facts, P.facts_select(t, final, tiers, max_group_size=max_group_size, passes=None, by_label=lite))
    for done in (tiers, t.mixed, t.group_rules):  # read only by the facts
        engine.drop(done)
    # the embedded engine's result table is its listings' (``ranking.py``): the primaries are ranked there
    result = "" if lite else stage_body(P.Stage("result", P.result_select(t)), engine.dialect, source_sql)
    return StageTables(t.rows, t.copies, people, edges, final, t.members, t.facts, result, repeats)


def run_rules(
    engine: Engine,
    source_sql: str,
    cols: P.PeopleColumns,
    *,
    max_group_size: int = MAX_GROUP_SIZE,
    progress: Progress | None = None,
    tables: P.Tables | None = None,
) -> list[ResultRow]:
    """Every rule over ``source_sql``; returns the result table's rows. For the engines that write a result table
    (``cols`` numbered by an ordinal column); the embedded engine's rows (``ROWID``) are ranked by its listings."""
    if cols.ordinal == P.ROWID:
        raise ValueError("run_rules needs people numbered by an ordinal column; the embedded engine lists its groups")
    stages = run_stages(engine, source_sql, cols, max_group_size=max_group_size, progress=progress, tables=tables)
    rows = engine.fetch(stages.result)
    if progress:
        progress("done", 1.0)
    out = [ResultRow(str(g), str(c), str(r), str(conf), bool(p), str(n) if n else None) for g, c, r, conf, p, n in rows]
    return sort_rows(out)


def _group(
    engine: Engine, make: Callable[[str, str], None], t: P.Tables, edges: str, people: str, report: Progress,
    nid: str,
) -> str:  # fmt: skip
    """Links, labels and members of the groups; returns the final labels' table."""
    make(t.links, P.links_select(edges))
    report("linking people into groups", 0.6)
    final = _labels(engine, make, t.prefix + "labels", t.links)
    engine.drop(t.links)  # read again only by a printed script's check that the labels settled
    if nid == P.ROWID:  # the embedded engine: its listings rank the members of the groups they show
        make(t.members, P.group_people_select(people, P.in_set(final, 1), nid))
    else:
        make(t.members, P.members_select(people, P.in_set(final, 1), nid))
    return final


def _labels(engine: Engine, make: Callable[[str, str], None], name: str, links: str) -> str:
    """Label passes into ``name_0``, ``name_1``, ... until no link joins two labels (checked after each pass: cheaper
    than one more pass that changes nothing); returns the last table's name."""
    make(f"{name}_0", P.labels_init_select(links))
    for k in range(1, MAX_PASSES + 1):
        if not _unsettled(engine, links, f"{name}_{k - 1}"):
            return f"{name}_{k - 1}"
        make(f"{name}_{k}", P.labels_step_select(links, f"{name}_{k - 1}"))
        engine.drop(f"{name}_{k - 1}")  # each pass reads only the one before it
    if not _unsettled(engine, links, f"{name}_{MAX_PASSES}"):
        return f"{name}_{MAX_PASSES}"
    raise RuntimeError(f"grouping did not settle in {MAX_PASSES} passes")


def _unsettled(engine: Engine, links: str, labels: str) -> bool:
    return bool(engine.scalar(render_select(P.labels_unsettled_select(links, labels), engine.dialect)))


def sort_rows(rows: list[ResultRow]) -> list[ResultRow]:
    """The order every engine's rows are compared in (byte order of the ids, as group_id is defined)."""
    return sorted(rows, key=lambda r: (r.group_id.encode(), not r.is_primary, r.cio_id.encode()))


__all__ = ["Engine", "StageTables", "run_rules", "run_stages", "sort_rows"]
