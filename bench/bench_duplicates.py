"""Duplicate detection on a generated 1,000,000-row people export, side by side in one run:

- end-to-end `cio-tui duplicates --from-export FILE --json` (a fresh process, output written to a file) against a
  plain DuckDB query computing the same three main rules (same email, lead + person with an id, id that is an
  email) on the same file, also in a fresh process (target: at most 1.3x);
- peak memory of the CLI process (resource usage of that child, target: under 1 GB);
- precision and recall of the CLI's groups against the generator's recorded clusters (target: 100% / 100%),
  per person pair and per whole group.

The export comes from the sandbox generator's CSV writer (`cio_tui.sandbox.seeding.write_export_csv`), cached
in the work folder. Usage: python bench/bench_duplicates.py [--rows 1000000] [--runs 3] [--seed 7] [--dir DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE_SQL = """
WITH p AS (SELECT cio_id, id, lower(trim(email)) AS e, anonymous_id FROM read_csv('{file}', header = true,
  all_varchar = true)),
same_email AS (
  SELECT 'same_email' AS rule, e AS key, cio_id FROM p
  WHERE e IN (SELECT e FROM p WHERE e IS NOT NULL GROUP BY e HAVING count(*) > 1)),
lead AS (
  SELECT 'lead_and_id_person' AS rule, e AS key, cio_id FROM p
  WHERE e IN (SELECT e FROM p WHERE id IS NULL GROUP BY e INTERSECT SELECT e FROM p WHERE id IS NOT NULL GROUP BY e)),
email_as_id AS (
  SELECT 'email_as_id' AS rule, x.e AS key, i.cio_id || ',' || x.cio_id AS cio_id
  FROM p i JOIN p x ON x.e = lower(trim(i.id)) AND x.cio_id <> i.cio_id WHERE i.id LIKE '%@%')
SELECT * FROM same_email UNION ALL SELECT * FROM lead UNION ALL SELECT * FROM email_as_id
"""

BASELINE_SCRIPT = """
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
rows = con.execute(sys.argv[1]).fetchall()
print(len(rows))
"""


def run_child(argv: list[str], stdout_path: Path) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in bytes, exit status, CPU seconds) of one fresh process, its stdout to a file."""
    with stdout_path.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss * 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}  # type: ignore[misc]


def make_export(folder: Path, rows: int, seed: int) -> tuple[Path, list[list[str]]]:
    from cio_tui.sandbox.seeding import write_export_csv

    csv_path = folder / f"people-{rows}-{seed}.csv"
    truth_path = folder / f"people-{rows}-{seed}.truth.json"
    if not (csv_path.exists() and truth_path.exists()):
        start = time.perf_counter()
        write_export_csv(csv_path, people=rows, seed=seed, ground_truth_path=truth_path)
        print(f"generated {rows:,} rows in {time.perf_counter() - start:.1f} s -> {csv_path}")
    clusters = json.loads(truth_path.read_text())["clusters"]
    return csv_path, [c["cio_ids"] for c in clusters]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "cio-tui-bench-duplicates")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    csv_path, truth = make_export(args.dir, args.rows, args.seed)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"export: {args.rows:,} rows, {size_mb:.0f} MB, {len(truth):,} known clusters; {os.cpu_count()} cores")

    cli = [sys.executable, "-m", "cio_tui", "duplicates", "--from-export", str(csv_path), "--json"]
    base = [sys.executable, "-c", BASELINE_SCRIPT, BASELINE_SQL.format(file=csv_path)]
    cli_out, base_out = args.dir / "cli.json", args.dir / "baseline.txt"
    cli_runs: list[tuple[float, int]] = []
    base_runs: list[tuple[float, int]] = []
    cli_cpu: list[float] = []
    base_cpu: list[float] = []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        wall, rss, code, cpu = run_child(base, base_out)
        assert code == 0, "baseline query failed"
        base_runs.append((wall, rss))
        base_cpu.append(cpu)
        wall, rss, code, cpu = run_child(cli, cli_out)
        assert code == 0, f"cio-tui duplicates exited with {code}"
        cli_runs.append((wall, rss))
        cli_cpu.append(cpu)

    data = json.loads(cli_out.read_text())
    found = [[m["cio_id"] for m in g["members"]] for g in data["groups"]]
    exact = {frozenset(g) for g in found} & {frozenset(g) for g in truth}
    fp, tp = pairs(found), pairs(truth)
    precision = len(fp & tp) / len(fp) if fp else 1.0
    recall = len(fp & tp) / len(tp) if tp else 1.0

    cli_t = statistics.median(w for w, _ in cli_runs)
    base_t = statistics.median(w for w, _ in base_runs)
    peak = max(r for _, r in cli_runs)
    print(f"\n{'measure':<44}{'cio-tui':>14}{'reference':>14}{'target':>12}")
    print(f"{'end-to-end time, median of ' + str(args.runs) + ' (s)':<44}{cli_t:>14.2f}{base_t:>14.2f}{'':>12}")
    print(f"{'  ratio cio-tui / plain DuckDB query':<44}{cli_t / base_t:>14.2f}{1.0:>14.2f}{'<= 1.30':>12}")
    print(f"{'  best run (s)':<44}{min(w for w, _ in cli_runs):>14.2f}{min(w for w, _ in base_runs):>14.2f}")
    cc, bc = statistics.median(cli_cpu), statistics.median(base_cpu)
    print(f"{'CPU time (user+sys), median (s)':<44}{cc:>14.2f}{bc:>14.2f}")
    print(f"{'  ratio':<44}{cc / bc:>14.2f}{1.0:>14.2f}")
    load = os.getloadavg()[0]
    print(f"{'machine load average (1 min) at the end':<44}{load:>14.2f}")
    print(f"{'peak memory of the process (MB)':<44}{peak / 1e6:>14.0f}{max(r for _, r in base_runs) / 1e6:>14.0f}"
          f"{'< 1000':>12}")
    print(f"{'precision, person pairs':<44}{precision:>14.2%}{'':>14}{'100%':>12}")
    print(f"{'recall, person pairs':<44}{recall:>14.2%}{'':>14}{'100%':>12}")
    print(f"{'groups found exactly / known clusters':<44}{len(exact):>14,}{len(truth):>14,}")
    print(f"{'groups reported (all five rules)':<44}{len(found):>14,}")
    print(f"baseline rows (three rules): {base_out.read_text().strip()}; summary: {json.dumps(data['summary'])}")


if __name__ == "__main__":
    main()
