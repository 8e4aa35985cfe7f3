"""Golden SQL per dialect: the portable rules rendered for each engine, compared with the files under
``golden/duplicates/`` and parsed back by sqlglot in that dialect with errors raised. A function sqlglot does not
model (it would pass through unchanged and fail only in the warehouse) is an error, never passed through.

Regenerate after an intended change and read the diff:
``DUPLICATES_UPDATE_GOLDEN=1 python -m pytest tests/unit/test_duplicates_dialects.py``"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from cio_tui.identity.duplicates.dialects import DIALECTS, DialectError, check_script, render_script, render_select
from cio_tui.identity.duplicates.portable import EMAIL_PATTERN, ISO_PATTERN, PeopleColumns

GOLDEN = Path(__file__).parent / "golden" / "duplicates"
COLUMNS = PeopleColumns(
    cio_id="internal_customer_id", id="customer_id", email="email", created_at="created_at",
    anonymous_id="anonymous_id", email_attributes=("work_email",),
)  # fmt: skip
SOURCE = {"bigquery": "my-project.crm.people", "snowflake": "CRM.PUBLIC.PEOPLE"}


def script(dialect: str) -> str:
    return render_script(dialect, source=SOURCE.get(dialect, "crm.people"), cols=COLUMNS, result="crm.dupes")


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_golden_sql_per_dialect(dialect: str) -> None:
    text = script(dialect)
    path = GOLDEN / f"{dialect}.sql"
    if os.environ.get("DUPLICATES_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"{dialect}: rendering changed; regenerate the golden file and read the diff"


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_each_script_parses_back_in_its_dialect_with_errors_raised(dialect: str) -> None:
    trees = check_script(script(dialect), dialect)
    creates = [t for t in trees if isinstance(t, exp.Create)]
    assert len(creates) >= 8
    sql = script(dialect).upper()
    assert "TRY_CAST" not in sql and "SAFE_CAST" not in sql  # no cast that some engine would silently make strict
    assert "CIO_TEXT" not in sql and "CIO_NODE" not in sql and "CIO_ORD" not in sql  # every marker replaced
    patterns = {lit.this for t in trees for lit in t.find_all(exp.Literal) if lit.is_string}
    assert EMAIL_PATTERN in patterns and ISO_PATTERN in patterns  # regex escapes survive the dialect's quoting


def test_the_hand_written_pieces() -> None:
    pg = script("postgres")
    assert 'COLLATE "C"' in pg and "DROP TABLE IF EXISTS" in pg and "CREATE TEMP TABLE" in pg
    assert "CREATE TABLE cio_dup_labels_16 USING parquet AS" in script("spark")
    databricks = script("databricks")
    assert "CREATE OR REPLACE TABLE crm.dupes" in databricks and "DROP TABLE IF EXISTS cio_dup_people" in databricks
    assert "CREATE OR REPLACE TEMPORARY TABLE" in script("snowflake")
    bq = script("bigquery")
    assert "FROM `my-project`.crm.people" in bq and "CREATE TEMP TABLE" in bq and "REGEXP_CONTAINS" in bq
    assert "COLLATE" not in script("redshift")  # Redshift compares bytes already


def test_unknown_functions_are_refused_not_passed_through() -> None:
    with pytest.raises(DialectError, match="does not model: MY_UDF"):
        render_select("SELECT MY_UDF(x) FROM t", "snowflake")
    with pytest.raises(DialectError, match="would pass through"):
        check_script("SELECT my_udf(x) FROM t", "postgres")
    with pytest.raises(sqlglot.errors.ParseError):
        check_script("SELECT FROM WHERE (", "bigquery")


def test_unknown_dialect_and_bad_table_names_say_what_to_do() -> None:
    with pytest.raises(DialectError, match="choose one of duckdb, postgres"):
        render_script("oracle")
    with pytest.raises(DialectError, match="is not a table name"):
        render_script("postgres", source="crm..people")
