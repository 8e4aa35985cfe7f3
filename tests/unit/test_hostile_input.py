"""Hostile input: ids with control characters, CSV that lies about its shape, formula cells in exports, keys in
every encoding, data that would steer the terminal. Each: a clear error naming where, and nothing written."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from urllib.parse import quote

import pytest

from cio_tui.customerio.identifiers import Identifier, IdentifierError, check_new_id
from cio_tui.identity.csv_reader import MAX_CELL, CsvFormatError, read_table
from cio_tui.identity.leads import read_id_rows
from cio_tui.redaction import redact, register_secret
from cio_tui.safe_text import csv_cell, safe
from cio_tui.tui.viewmodels.csv_rows import parse_csv_text
from cio_tui.walkthrough.cleanup import CleanupError, parse_cleanup_csv


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("ab\x00c", "character 3 of the id is U+0000 (NUL), a control character"),
        ("a\x07", "character 2 of the id is U+0007 (BEL)"),
        ("a\tb", "character 2 of the id is U+0009 (TAB)"),
        ("a\r\nb", "character 2 of the id is U+000D (CR)"),
        ("x\x1b[2Jy", "character 2 of the id is U+001B (ESC)"),
        ("ab\u202ecd", "character 3 of the id is U+202E (RIGHT-TO-LEFT OVERRIDE), a character that does not print"),
        ("\u200b", "character 1 of the id is U+200B (ZERO WIDTH SPACE)"),
        ("CIO_abc", "starts with 'CIO_'"),
        ("Cio_abc", "starts with 'Cio_'"),
    ],
)
def test_ids_refused_with_a_positioned_reason(value, reason):
    with pytest.raises(IdentifierError, match=re.escape(reason)):
        check_new_id(value)
    with pytest.raises(IdentifierError):
        Identifier.id(value).path_segment()


def test_emails_with_escape_sequences_are_not_identifiers():
    with pytest.raises(IdentifierError, match="character 2 of the email is U\\+001B"):
        Identifier.email("a\x1b[31m@x.co")


def test_csv_more_fields_than_the_header_is_an_error_naming_the_line():
    with pytest.raises(CsvFormatError, match="line 3 has 3 fields but the header has 2"):
        read_id_rows(text="email,id\na@b.c,ok-1\na@b.c,Acme, Inc-42\n")


def test_csv_unclosed_quote_is_reported_at_its_line():
    text = 'email,id\na@b.c,u1\nb@b.c,"u2\nc@b.c,u3\nd@b.c,u4\n'
    with pytest.raises(CsvFormatError, match="the quote opened on line 3 is never closed"):
        read_id_rows(text=text)


def test_csv_line_numbers_are_per_record_with_bom_blank_lines_and_multiline_cells():
    text = '\ufeffemail,id\n\n"a@b.c",u1\nx@y.z,"two\nlines"\n\nb@b.c,u3\n'
    _, rows = read_table(None, ["email", "id"], text=text)
    assert [(r.line, r.values["email"]) for r in rows] == [(3, "a@b.c"), (4, "x@y.z"), (7, "b@b.c")]


def test_csv_huge_cells_and_lines_are_refused_without_reading_them_whole(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w") as fh:
        fh.write("email,id\na@b.c,")
        fh.write("x" * (MAX_CELL * 40))  # 2.6 MB on one line: refused after the first piece
    with pytest.raises(CsvFormatError, match="line 2 is longer than 65536 characters"):
        read_table(path, ["email", "id"])
    with pytest.raises(CsvFormatError, match="cell longer than"):
        read_table(None, ["email", "id"], text='email,id\na@b.c,"' + ("y\n" * 70_000) + '"\n')


def test_csv_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"email,id\na@b.c,u1\n\xff\xfe,u2\n")
    with pytest.raises(CsvFormatError, match="not UTF-8"):
        read_table(path, ["email", "id"])


def test_the_tui_and_the_walkthrough_use_the_same_reader():
    parsed = parse_csv_text("email,id\na@b.c,Acme, Inc-42\n", ("email", "id"))
    assert parsed.rows == [] and parsed.issues[0].line == 2 and "3 fields" in parsed.issues[0].message
    with pytest.raises(CleanupError, match="line 2 has 3 fields"):
        parse_cleanup_csv("email,action\na@b.c,delete,extra\n")
    rows = parse_cleanup_csv("email,action\n\n\na@b.c,delete\n")
    assert [(r.line, r.identifier) for r in rows] == [(4, "a@b.c")]


def test_export_cells_that_a_spreadsheet_would_run_are_neutralised():
    assert [csv_cell(v) for v in ("=1+1", "+x", "-2", "@SUM(A1)", "\tx", "plain", 3)] == [
        "'=1+1",
        "'+x",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        3,
    ]


def test_keys_are_redacted_in_every_encoding():
    register_secret("trk+key/sekrit==", basic_user="site-1")
    pair = base64.b64encode(b"site-1:trk+key/sekrit==").decode()
    text = f"raw trk+key/sekrit== url {quote('trk+key/sekrit==', safe='')} header Authorization: Basic {pair}"
    cleaned = redact(text)
    assert "sekrit" not in cleaned and pair not in cleaned and pair.rstrip("=") not in cleaned
    assert cleaned.count("********") == 3


def test_terminal_output_is_stripped_of_control_sequences():
    assert safe("evil\x1b[2J\x1b]0;title\x07@x.co\r") == "evil\\x1b[2J\\x1b]0;title\\x07@x.co\\x0d"


def test_journal_csv_export_neutralises_formulas_and_drops_keys(tmp_path):
    from cio_tui.identity.journal import Journal

    register_secret("TRACKKEY123", basic_user="site9")
    pair = base64.b64encode(b"site9:TRACKKEY123").decode()
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.record("p1", "op-1", "failed", detail=f'=HYPERLINK("x") server said: Authorization Basic {pair}')
        out = io.StringIO()
        journal.export_csv(out)
        jsonl = io.StringIO()
        journal.export_jsonl(jsonl)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["detail"].startswith("'=HYPERLINK") and pair not in row["detail"] and "********" in row["detail"]
    assert pair not in jsonl.getvalue() and json.loads(jsonl.getvalue())["detail"].endswith("Basic ********")


def test_cli_hostile_rows_are_refused_and_nothing_is_planned(tmp_path):
    from click.testing import CliRunner

    from cio_tui.cli import main

    runner = CliRunner()
    leads = json.loads(runner.invoke(main, ["--sandbox", "leads", "--json"]).stdout)["leads"]
    ids = tmp_path / "ids.csv"
    ids.write_text(f"email,id\n{leads[0]['email']},evil\x1b[2J\n{leads[1]['email']},Acme, Inc-42\n")
    out = runner.invoke(main, ["--sandbox", "plan", "convert-leads", "--ids", str(ids), "--out", str(tmp_path / "p")])
    assert out.exit_code == 1 and "line 3 has 3 fields but the header has 2" in out.output
    assert not (tmp_path / "p").exists()
    ids.write_text(f"email,id\n{leads[0]['email']},evil\x1b[2J\n")
    out = runner.invoke(main, ["--sandbox", "plan", "convert-leads", "--ids", str(ids), "--out", str(tmp_path / "p")])
    assert "haracter 5 of the id is U+001B (ESC)" in out.output and "\x1b" not in out.output
    ids.write_text(f"email,id\n{leads[0]['email']},fine-1\n")
    missing = tmp_path / "no-such-folder" / "p.json"
    out = runner.invoke(main, ["--sandbox", "plan", "convert-leads", "--ids", str(ids), "--out", str(missing)])
    assert out.exit_code == 1 and "the folder" in out.output and "does not exist" in out.output
    assert "Traceback" not in out.output


def test_a_damaged_journal_is_refused_with_what_to_do_and_apply_does_not_run(tmp_path):
    import os

    from click.testing import CliRunner

    from cio_tui.cli import main
    from cio_tui.identity.journal import Journal, JournalError

    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        journal.record("p", "op-1", "sent")
    assert os.stat(path).st_mode & 0o777 == 0o600 and os.stat(tmp_path).st_mode & 0o777 == 0o700
    raw = bytearray(path.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)  # the first page, past the header, destroyed
    path.write_bytes(bytes(raw))
    with pytest.raises(JournalError, match="is damaged .*move it aside"):
        Journal(path)
    (tmp_path / "other.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(JournalError, match="is damaged"):
        Journal(tmp_path / "other.sqlite")

    runner = CliRunner()
    from cio_tui.config import load_settings
    from cio_tui.workspace import workspace_dir
    from cio_tui.workspace_sandbox import sandbox_fingerprint

    folder = workspace_dir(load_settings(), sandbox_fingerprint())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "journal.sqlite").write_bytes(b"garbage" * 1000)
    out = runner.invoke(main, ["--sandbox", "journal", "list"])
    assert out.exit_code == 1 and "is damaged" in out.output and "Traceback" not in out.output


def test_a_keyring_failing_after_its_probe_gives_a_message_not_a_traceback(isolated_dirs):
    import keyring
    from click.testing import CliRunner
    from keyring.backend import KeyringBackend

    from cio_tui.cli import main

    class Flaky(KeyringBackend):
        priority = 5  # type: ignore[assignment]
        calls = 0

        def get_password(self, service, username):
            Flaky.calls += 1
            if Flaky.calls > 1:  # the probe passes, the next call fails (a D-Bus session gone)
                raise RuntimeError("dbus went away")
            return None

        def set_password(self, service, username, password):
            raise RuntimeError("locked")

        def delete_password(self, service, username):
            raise RuntimeError("locked")

    isolated_dirs["config"].parent.mkdir(parents=True, exist_ok=True)
    isolated_dirs["config"].write_text('default_profile = "p"\n[profiles.p]\nregion = "us"\nsite_id = "s1"\n')
    keyring.set_keyring(Flaky())
    out = CliRunner().invoke(main, ["profile", "list"])
    assert out.exit_code == 1 and "cannot read the Track API key of profile 'p' from the keyring" in out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)


def test_the_config_file_is_owner_only(isolated_dirs):
    import os

    from cio_tui.config import Profile, save_profile

    path = save_profile(Profile(name="p", region="us", site_id="s1"))
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_an_export_header_that_is_not_utf8_is_refused_with_a_message(tmp_path):
    from cio_tui.identity.duplicates.export import ExportError, read_header

    path = tmp_path / "people.csv"
    path.write_bytes(b"cio_id,id,email,created_at\xff\nc1,u1,a@b.c,1\n")
    with pytest.raises(ExportError, match="the header row is not UTF-8 text"):
        read_header(path)
