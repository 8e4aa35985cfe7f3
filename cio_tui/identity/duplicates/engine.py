"""Run the duplicate rules over a people export in DuckDB and produce ranked, explained groups.

All the work over the million rows is SQL (``sql.py``); Python touches only the groups. Typical use::

    with analyse_export("people.csv") as analysis:
        analysis.summary()            # counts per rule / confidence, problems
        for text in analysis.iter_group_json(): ...   # the CLI's --json, streamed from DuckDB
        groups = analysis.groups()    # DuplicateGroup models (with attributes when keep_attributes=True)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from cio_tui.identity.duplicates import sql as S
from cio_tui.identity.duplicates.export import (
    ExportProblem,
    LoadedExport,
    collect_rejects,
    quote_ident,
)
from cio_tui.identity.duplicates.models import DuplicateGroup, Member
from cio_tui.identity.duplicates.one_row import one_row, one_value
from cio_tui.identity.duplicates.ranking import (
    ALL_GROUPS_SQL,
    ALL_MEMBERS_SQL,
    GROUPS_SQL,
    JSON_SQL,
    MEMBER_ROWS_SQL,
    MEMBERS_SQL,
    group_tiers,
    label_components,
)
from cio_tui.identity.duplicates.rules import MAX_GROUP_SIZE, RULES, Confidence

Progress = Callable[[str, float], None]
MAX_PROBLEMS = 10_000  # problems kept for reporting; the count is always exact


class DuplicateAnalysis:
    """The result of one analysis; owns its DuckDB connection (close it, or use it as a context manager)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, export: LoadedExport, *, keep_attributes: bool) -> None:
        self.con = con
        self.export = export
        self.keep_attributes = keep_attributes
        self._groups: list[DuplicateGroup] | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> DuplicateAnalysis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def problems(self) -> list[ExportProblem]:
        return self.export.problems

    # -- results ----------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Counts for the JSON ``summary`` and the audit: rows, groups per rule and confidence, problems."""
        total = one_row(
            self.con,
            "SELECT count(*), coalesce(sum(size), 0), count(*) FILTER (WHERE NOT needs_review), "
            "coalesce(sum(size - 1) FILTER (WHERE NOT needs_review), 0) FROM dup_groups",
        )
        by_tier = dict(self.con.execute("SELECT tier, count(*) FROM dup_groups GROUP BY 1").fetchall())
        # groups per rule from the per-group facts (one small scan, not rule_counts()' distinct counts)
        per_rule = ", ".join(f"count(*) FILTER (WHERE rules & {1 << r.code} <> 0)" for r in RULES)
        linked = one_row(self.con, f"SELECT {per_rule} FROM dup_groups")
        groups, people, ready, merges = (int(x) for x in total)
        return {
            "rows": self.export.rows,
            "groups": groups,
            "people_in_groups": people,
            "merge_ready": ready,
            "needs_review": groups - ready,
            "merges_proposed": merges,
            "by_confidence": {c.value: int(by_tier.get(c.rank, 0)) for c in Confidence},
            "by_rule": {r.name: int(n) for r, n in zip(RULES, linked, strict=True)},
            "problems": len(self.export.problems),
        }

    def rule_counts(self) -> dict[str, dict[str, int]]:
        """Per rule: groups it links and people it touches (a group linked by two rules counts for both)."""
        rows = self.con.execute(
            "SELECT rule, count(DISTINCT gid), count(DISTINCT rn) FROM dup_group_rules_people GROUP BY 1"
        ).fetchall()
        found = {int(rule): (int(g), int(p)) for rule, g, p in rows}
        return {r.name: {"groups": found.get(r.code, (0, 0))[0], "people": found.get(r.code, (0, 0))[1]} for r in RULES}

    def iter_group_json(self, batch: int = 5000) -> Iterator[str]:
        """Each group as its ``--json`` object text, best first, streamed from DuckDB (no Python objects)."""
        cur = self.con.execute(JSON_SQL)
        while rows := cur.fetchmany(batch):
            for (text,) in rows:
                yield text

    def iter_member_rows(self, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
        """(group rank, rule, confidence, needs_review, is_primary, cio_id, id, email, created_at) for ``--csv``."""
        cur = self.con.execute(MEMBER_ROWS_SQL)
        while rows := cur.fetchmany(batch):
            yield from rows

    def groups(self, limit: int | None = None) -> list[DuplicateGroup]:
        """Every group as a model, best first (built once, then cached: the operator's choices live on them).

        ``limit`` builds only the best ``limit`` groups (not cached), e.g. for a text listing of a few."""
        if limit is not None:
            return list(self._build_groups(limit))
        if self._groups is None:
            self._groups = list(self._build_groups())
        return self._groups

    def _build_groups(self, limit: int | None = None) -> Iterator[DuplicateGroup]:
        members_sql, groups_sql = (ALL_MEMBERS_SQL, ALL_GROUPS_SQL) if limit is None else (MEMBERS_SQL, GROUPS_SQL)
        params = [] if limit is None else [limit]
        attr_cols = [f"a:{n}" for n in self.export.columns.attributes] if self.keep_attributes else []
        extra = "".join(f", p.{quote_ident(c)}" for c in attr_cols)
        names = [c[2:] for c in attr_cols]
        join = " JOIN people p ON p.rowid = m.rn" if attr_cols else ""
        cur = self.con.execute(members_sql.format(extra=extra, join=join), params)
        members: dict[int, list[Member]] = {}
        while rows := cur.fetchmany(10_000):
            for gid, cio_id, pid, email, ts, real, *attrs in rows:
                attributes = {k: v for k, v in zip(names, attrs, strict=True) if v not in (None, "")}
                members.setdefault(gid, []).append(Member(cio_id, pid, email, ts, real, attributes))
        for gid, rule, conf, evidence, primary_reason, review in self.con.execute(groups_sql, params).fetchall():
            yield DuplicateGroup(
                group_id=gid,
                rules=rule.split("+"),
                confidence=Confidence(conf),
                members=members[gid],
                evidence=evidence,
                primary_reason=primary_reason,
                review_reasons=review.split("\n") if review else [],
            )


def analyse_export(
    path: str | Path,
    *,
    keep_attributes: bool = False,
    progress: Progress | None = None,
    threads: int | None = None,
    columns_map: dict[str, str] | None = None,
    max_group_size: int = MAX_GROUP_SIZE,
) -> DuplicateAnalysis:
    """Load the export (CSV, gzip CSV or Parquet; ``columns_map`` = role -> the file's column name) and run every
    rule; returns the analysis (which holds the DuckDB connection)."""
    from cio_tui.identity.duplicates.sources import export_select, read_columns

    path = Path(path)
    report = progress or (lambda _stage, _fraction: None)
    columns = read_columns(path, columns_map)
    con = duckdb.connect(config={"threads": threads or default_threads()})
    con.execute("SET enable_progress_bar = false")  # stdout may be the --json output
    con.execute("SET TimeZone = 'UTC'")  # an ISO created_at without an offset is UTC, on every machine
    con.execute("SET checkpoint_threshold = '1TB'")  # in memory: an automatic checkpoint only costs (measured 1.2 s)
    try:
        report("reading the export", 0.0)
        source = f"({export_select(path, columns, rejects=True)})"
        con.execute(S.people_sql(source, columns, keep_attributes=keep_attributes))
        rows = int(one_value(con, "SELECT count(*) FROM people"))
        export = _check_rows(con, LoadedExport(path, columns, rows, list(columns.problems), []))
        report("applying the rules", 0.4)
        con.execute(S.edges_sql(columns))
        report("linking people into groups", 0.7)
        label_components(con, "dup_edges", "dup_labels")
        report("ranking groups", 0.85)
        _dedupe_members(con, export)
        group_tiers(con, max_group_size)
        report("done", 1.0)
    except BaseException:
        con.close()
        raise
    return DuplicateAnalysis(con, export, keep_attributes=keep_attributes)


def default_threads() -> int:
    """All cores for the whole analysis, as a plain DuckDB query uses. Measured on 1,000,000 rows, 2 shared cores:
    one thread after the rules (the small tables) cost 9% more wall time for 6% less CPU time; one thread throughout
    cost more still, since on a busy machine a process with more runnable threads gets more CPU time."""
    return os.cpu_count() or 1


def _check_rows(con: duckdb.DuckDBPyConnection, export: LoadedExport) -> LoadedExport:
    """The cheap validation pass: rejected lines (from DuckDB) and rows without a cio_id."""
    rejects = collect_rejects(con)
    export.reject_lines = [line for line, _ in rejects]
    for line, message in rejects[:MAX_PROBLEMS]:
        export.problems.append(ExportProblem(line=line, kind="malformed_row", message=message))
    if "cio_id" in export.columns.names:
        missing = [
            r
            for (r,) in con.execute("SELECT rowid FROM people WHERE cio_id IS NULL LIMIT ?", [MAX_PROBLEMS]).fetchall()
        ]
        lines = export.line_of(missing)
        for row in missing:
            export.problems.append(
                ExportProblem(
                    line=lines[row], kind="missing_cio_id", message="the row has no cio_id; it cannot be merged"
                )
            )
    export.problems.sort(key=lambda p: p.line)
    return export


def _dedupe_members(con: duckdb.DuckDBPyConnection, export: LoadedExport) -> None:
    """A cio_id on two rows of one group (a repeated row): keep its first row, report the others."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_members AS
SELECT l.label AS gid, l.node AS rn, p.cio_id, p.id, p.email, {S.created_ts_sql("p.created_at")} AS ts,
  {S.real_id_sql("p.id")} AS real_id
FROM dup_labels l JOIN people p ON p.rowid = l.node"""
    )
    # distinct hashes are distinct cio_ids (cheaper than distinct strings); a collision only runs the exact check
    distinct, total = one_row(
        con, "SELECT count(DISTINCT hash(cio_id)) FILTER (WHERE cio_id IS NOT NULL), count(cio_id) FROM dup_members"
    )
    if distinct == total:
        return
    repeats = con.execute(
        "SELECT cio_id, list(rn ORDER BY rn) FROM dup_members WHERE cio_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
    ).fetchall()
    rows = [r for _, rns in repeats for r in rns]
    lines = export.line_of(rows)
    drop: list[int] = []
    for cio_id, rns in repeats:
        for rn in rns[1:]:
            drop.append(rn)
            export.problems.append(
                ExportProblem(
                    line=lines[rn],
                    kind="duplicate_cio_id",
                    message=f"cio_id {cio_id} already appeared on line {lines[rns[0]]}; this row is ignored",
                )
            )
    con.execute("DELETE FROM dup_members WHERE rn IN (SELECT unnest(?))", [drop])
    con.execute("DELETE FROM dup_labels WHERE node IN (SELECT unnest(?))", [drop])  # the groups' edges: members only
    export.problems.sort(key=lambda p: p.line)


__all__ = ["DuplicateAnalysis", "analyse_export"]
