"""The single row of an aggregate query (``count(*)``, ``bool_or``...): DuckDB answers one row to every such
query, so a missing row is a bug, said so here once instead of at every ``fetchone()``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


def one_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """The row of ``sql``; its values are what the driver gives (ints, bools, strings)."""
    row = con.execute(sql).fetchone()
    if row is None:
        raise RuntimeError(f"DuckDB answered no row to an aggregate query: {sql[:80]}")
    return row


def one_value(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The first value of the row of ``sql``."""
    return one_row(con, sql)[0]


__all__ = ["one_row", "one_value"]
