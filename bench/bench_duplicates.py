"""Duplicate detection on a generated 1,000,000-row people export, side by side in one run:

- end-to-end `cio-tui duplicates --from-export FILE` (a fresh process: read the file, run all five rules, link,
  rank and explain every group, print the summary and the best 20) against a plain DuckDB query computing the same
  three main rules (same email, lead + person with an id, id that is an email) on the same file, also in a fresh
  process (target: at most 1.3x);
- the same with `--json` (every group serialised: about 60 MB written), against the same query, for information:
  the issue's figure is the command above, and the query it is compared with serialises nothing;
- the same output written by both: `--out result.parquet` (the result table, one row per person in a group)
  against the same query writing its rows with `COPY ... TO 'x.parquet'` (cheaper than fetching them into Python,
  so this ratio is the stricter one); both read the same file in a fresh process;
- peak memory of the CLI processes (resource usage of each child, target: under 1 GB);
- precision and recall of the `--json` groups against the generator's recorded clusters (target: 100% / 100%),
  per person pair and per whole group;
- Spark: the same rules on Apache Spark in local mode (`--engine spark --out`, one run: it is slow to start) beside
  the embedded engine writing the same result table (`--out`) on the same file, and whether the two result tables
  are identical (they must be). The Spark figure's memory is the whole process tree (the JVM included). On a small
  machine Spark on the whole file can take far longer than everything else: `--spark-rows N` runs both on the first
  N rows of the file instead (the output says which size ran and why); `--no-spark` leaves Spark out. Without
  pyspark or Java the output says so and goes on. The local Spark driver (the JVM that does all the work in
local mode) gets `--spark-driver-memory` (default: half the memory available, at most 8g, at least 2g).

For the 10,000,000-row figures of the warehouse issue (targets: at most 1.3x the plain query, peak memory under
2 GB; Spark side by side on the same file): `python bench/bench_duplicates.py --rows 10000000 --runs 1` (Spark
runs on the whole file unless `--spark-rows N` says fewer rows; on 2 cores expect Spark to take tens of minutes).

The export comes from the sandbox generator's CSV writer (`cio_tui.sandbox.seeding.write_export_csv`), cached
in the work folder. Usage: python bench/bench_duplicates.py [--rows 1000000] [--runs 3] [--seed 7] [--dir DIR]
[--spark-rows N] [--spark-driver-memory 6g] [--no-spark]
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
import threading
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


# The same query, its rows written to a Parquet file (the output --out writes), not fetched into Python.
BASELINE_COPY_SCRIPT = """
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute("COPY (" + sys.argv[1] + ") TO '" + sys.argv[2].replace("'", "''") + "' (FORMAT parquet)")
"""


def run_child(argv: list[str], stdout_path: Path, env: dict[str, str] | None = None) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in bytes, exit status, CPU seconds) of one fresh process, its stdout to a file."""
    with stdout_path.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss * 1024, proc.returncode, usage.ru_utime + usage.ru_stime


def tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (bytes), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_tree(argv: list[str], stdout_path: Path) -> tuple[float, int, int]:
    """(wall seconds, peak RSS of the whole process tree, exit status), sampled every 0.2 s."""
    peak = [0]
    with stdout_path.open("wb") as out:  # stderr too: the progress, and why a run failed
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            while proc.poll() is None:
                peak[0] = max(peak[0], tree_rss(proc.pid))
                time.sleep(0.2)

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        code = proc.wait()
        wall = time.perf_counter() - start
        watcher.join()
    return wall, peak[0], code


def same_result_tables(a: Path, b: Path) -> bool:
    import duckdb

    con = duckdb.connect()
    query = "SELECT * FROM read_parquet('{}') EXCEPT ALL SELECT * FROM read_parquet('{}')"
    n_a, n_b = (con.execute(f"SELECT count(*) FROM read_parquet('{p}')").fetchone()[0] for p in (a, b))
    diff = con.execute(query.format(a, b)).fetchall() + con.execute(query.format(b, a)).fetchall()
    return n_a == n_b and not diff


def pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}  # type: ignore[misc]


def compile_app() -> None:
    """Byte-compile the ``cio_tui`` the children import (``-m`` puts the current folder first) before measuring, as
    ``pip install`` does: with ``PYTHONDONTWRITEBYTECODE`` set (common in containers and CI) nothing writes the
    bytecode, and every measured cio-tui process compiled the app's modules from source (about 0.2 s of CPU on its
    one thread) while DuckDB's and sqlglot's installed modules were already compiled."""
    where = "import os, cio_tui; print(os.path.dirname(cio_tui.__file__))"
    folder = subprocess.run([sys.executable, "-c", where], check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True, capture_output=True)


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
    ap.add_argument("--no-spark", action="store_true", help="leave out the Spark (local[*]) comparison")
    ap.add_argument(
        "--stages",
        action="store_true",
        help="also print the CPU time of each stage of the embedded engine (one more run, in this process)",
    )
    ap.add_argument(
        "--spark-driver-memory",
        default=None,
        metavar="SIZE",
        help="memory of the local Spark driver, e.g. 6g (default: half the available memory, 2g-8g)",
    )
    ap.add_argument(
        "--spark-rows",
        type=int,
        default=None,
        metavar="N",
        help="run the Spark comparison on the first N rows of the file (default: the whole file)",
    )
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    csv_path, truth = make_export(args.dir, args.rows, args.seed)
    compile_app()
    size_mb = csv_path.stat().st_size / 1e6
    print(f"export: {args.rows:,} rows, {size_mb:.0f} MB, {len(truth):,} known clusters; {os.cpu_count()} cores")
    print("each cio-tui run starts with an empty cache folder (a first run: no SQL kept from an earlier one)")

    cli = [sys.executable, "-m", "cio_tui", "duplicates", "--from-export", str(csv_path)]
    query = BASELINE_SQL.format(file=csv_path)
    variants = {
        "baseline": [sys.executable, "-c", BASELINE_SCRIPT, query],
        "text": cli,
        "json": [*cli, "--json"],
        "baseline_copy": [sys.executable, "-c", BASELINE_COPY_SCRIPT, query, str(args.dir / "baseline.parquet")],
        "out": [*cli, "--out", str(args.dir / "result-main.parquet")],
    }
    outputs = {name: args.dir / f"{name}.out" for name in variants}
    runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in variants}
    for _ in range(args.runs):  # interleaved, so all of them see the same machine load
        for name, argv in variants.items():
            # every cio-tui run is a first run: an empty cache folder of its own (no SQL rendered by an earlier run,
            # as after an install or an upgrade), never the operator's
            with tempfile.TemporaryDirectory(prefix="cio-tui-bench-cache-") as cache:
                env = None if name.startswith("baseline") else {**os.environ, "XDG_CACHE_HOME": cache}
                wall, rss, code, cpu = run_child(argv, outputs[name], env)
            assert code == 0, f"{name} exited with {code}"
            runs[name].append((wall, rss, cpu))

    def med(name: str, i: int) -> float:
        return statistics.median(r[i] for r in runs[name])

    cli_out = outputs["json"]
    data = json.loads(cli_out.read_text())
    found = [[m["cio_id"] for m in g["members"]] for g in data["groups"]]
    exact = {frozenset(g) for g in found} & {frozenset(g) for g in truth}
    fp, tp = pairs(found), pairs(truth)
    precision = len(fp & tp) / len(fp) if fp else 1.0
    recall = len(fp & tp) / len(tp) if tp else 1.0

    base_t, text_t, json_t = med("baseline", 0), med("text", 0), med("json", 0)
    n = args.runs
    print(f"\n{'measure':<52}{'cio-tui':>12}{'reference':>12}{'target':>10}")
    print(f"{'duplicates --from-export, median of ' + str(n) + ' (s)':<52}{text_t:>12.2f}{base_t:>12.2f}")
    print(f"{'  ratio to the plain DuckDB query':<52}{text_t / base_t:>12.2f}{1.0:>12.2f}{'<= 1.30':>10}")
    print(f"{'  best run (s)':<52}{min(r[0] for r in runs['text']):>12.2f}{min(r[0] for r in runs['baseline']):>12.2f}")
    print(f"{'  CPU time (user+sys), median (s)':<52}{med('text', 2):>12.2f}{med('baseline', 2):>12.2f}")
    print(f"{'duplicates --from-export --json, median (s)':<52}{json_t:>12.2f}{base_t:>12.2f}")
    print(
        f"{'  ratio (every group serialised, ' + f'{cli_out.stat().st_size / 1e6:.0f} MB written)':<52}"
        f"{json_t / base_t:>12.2f}{1.0:>12.2f}"
    )
    print(f"{'  CPU time (user+sys), median (s)':<52}{med('json', 2):>12.2f}{med('baseline', 2):>12.2f}")
    out_t, copy_t = med("out", 0), med("baseline_copy", 0)
    print(f"{'same output: --out result.parquet vs COPY (s)':<52}{out_t:>12.2f}{copy_t:>12.2f}")
    print(f"{'  ratio (both write their rows to Parquet)':<52}{out_t / copy_t:>12.2f}{1.0:>12.2f}{'<= 1.30':>10}")
    print(f"{'  CPU time (user+sys), median (s)':<52}{med('out', 2):>12.2f}{med('baseline_copy', 2):>12.2f}")
    print(f"{'  CPU ratio':<52}{med('out', 2) / med('baseline_copy', 2):>12.2f}")
    load = os.getloadavg()[0]
    print(f"{'machine load average (1 min) at the end':<52}{load:>12.2f}")
    peak_text, peak_json = (max(r[1] for r in runs[k]) / 1e6 for k in ("text", "json"))
    peak_base = max(r[1] for k in ("baseline", "baseline_copy") for r in runs[k]) / 1e6
    mem_target = "< 2000" if args.rows >= 5_000_000 else "< 1000"
    print(
        f"{'peak memory, plain / --json (MB)':<52}{f'{peak_text:.0f} / {peak_json:.0f}':>12}{peak_base:>12.0f}"
        f"{mem_target:>10}"
    )
    print(f"{'precision, person pairs (--json groups)':<52}{precision:>12.2%}{'':>12}{'100%':>10}")
    print(f"{'recall, person pairs (--json groups)':<52}{recall:>12.2%}{'':>12}{'100%':>10}")
    print(f"{'groups found exactly / known clusters':<52}{len(exact):>12,}{len(truth):>12,}")
    print(f"{'groups reported (all five rules)':<52}{len(found):>12,}")
    print(f"baseline rows (three rules): {outputs['baseline'].read_text().strip()}")
    print(f"summary: {json.dumps(data['summary'])}")
    print("plain output begins: " + outputs["text"].read_text().splitlines()[0])
    if args.stages:
        stage_times(csv_path)
    if not args.no_spark:
        engines(args.dir, csv_path, base_t, args.rows, args.spark_rows, args.spark_driver_memory)


def stage_times(csv_path: Path) -> None:
    """CPU time (all threads) of every table the embedded engine makes, label passes summed: where the time goes."""
    from cio_tui.identity.duplicates import engines as E
    from cio_tui.identity.duplicates.engine import analyse_export

    spent: dict[str, list[float]] = {}
    create = E.EmbeddedDuckDB.create

    def timed(self: E.EmbeddedDuckDB, table: str, select: str) -> None:
        start = time.process_time()
        create(self, table, select)
        spent.setdefault(table.rstrip("0123456789").rstrip("_"), []).append(time.process_time() - start)

    E.EmbeddedDuckDB.create = timed  # type: ignore[method-assign]
    try:
        start = time.process_time()
        with analyse_export(csv_path) as analysis:
            total = time.process_time() - start
            analysis.summary()
    finally:
        E.EmbeddedDuckDB.create = create  # type: ignore[method-assign]
    print(f"\n{'stage of the embedded engine (CPU s, all threads)':<52}{'CPU':>12}{'tables':>12}")
    for name, times in spent.items():
        print(f"{'  ' + name:<52}{sum(times):>12.2f}{len(times):>12}")
    print(f"{'  everything else (checks, listing tables)':<52}{total - sum(map(sum, spent.values())):>12.2f}")
    print(f"{'  analysis in all':<52}{total:>12.2f}")


def spark_missing() -> str | None:
    """Why Spark cannot run here (None when it can)."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'cio-tui[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (Spark needs Java 17+)"
    return None


def head_file(csv_path: Path, rows: int) -> Path:
    """The first ``rows`` rows of the export (header kept), written once next to it."""
    out = csv_path.with_name(f"{csv_path.stem}-first-{rows}.csv")
    if not out.exists():
        with csv_path.open("rb") as src, out.open("wb") as dst:
            for i, line in enumerate(src):
                if i > rows:
                    break
                dst.write(line)
    return out


def available_mb() -> int:
    """MemAvailable from /proc/meminfo (MB); 4096 where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 4096


def driver_memory(wanted: str | None) -> str:
    """The local Spark driver's memory: as given, else half the available memory, between 2g and 8g (the driver is
    the whole of Spark in local mode; the rest of the machine keeps the other half)."""
    if wanted:
        return wanted
    return f"{max(2, min(8, available_mb() // 2048))}g"


def engines(
    folder: Path, csv_path: Path, base_t: float, rows: int, spark_rows: int | None, spark_memory: str | None
) -> None:
    """The embedded engine and Spark (local[*]) writing the same result table, side by side, one run each."""
    why = spark_missing()
    if why:
        print(f"\nSpark side by side: not run: {why}.")
        return
    size = rows
    if spark_rows is not None and spark_rows < rows:
        csv_path, size = head_file(csv_path, spark_rows), spark_rows
        print(f"\nSpark side by side on the first {size:,} rows of the {rows:,}-row export (--spark-rows {size}): "
              f"Spark local on {os.cpu_count()} cores takes far longer than the embedded engine on the whole file; "
              "both engines below ran on the same smaller file.")  # fmt: skip
    else:
        print(f"\nSpark side by side on the whole {rows:,}-row export (--spark-rows N runs it on fewer rows).")
    cli = [sys.executable, "-m", "cio_tui", "duplicates", "--from-export", str(csv_path)]
    duck_out, spark_out = folder / "result-duckdb.parquet", folder / "result-spark.parquet"
    memory = driver_memory(spark_memory)
    print(f"Spark driver memory {memory} (--spark-driver-memory; {available_mb():,} MB available now)")
    duck = run_tree([*cli, "--out", str(duck_out)], folder / "duck-out.log")
    os.environ["CIO_TUI_SPARK_DRIVER_MEMORY"] = memory  # read by the Spark engine of the child process
    spark = run_tree([*cli, "--engine", "spark", "--out", str(spark_out)], folder / "spark-out.log")
    assert duck[2] == 0, f"duckdb --out exited with {duck[2]}"
    if spark[2] != 0:
        print(f"Spark exited with {spark[2]}: see {folder / 'spark-out.log'} (is Java 17+ installed?)")
        return
    print(f"{'result table, one run, ' + f'{size:,} rows':<52}{'DuckDB':>12}{'Spark':>12}{'plain q.':>10}")
    plain = f"{base_t:>10.2f}" if size == rows else f"{'(n/a)':>10}"
    print(f"{'  wall time (s)':<52}{duck[0]:>12.2f}{spark[0]:>12.2f}{plain}")
    print(f"{'  Spark / DuckDB':<52}{'':>12}{spark[0] / duck[0]:>12.2f}")
    print(f"{'  peak memory, whole process tree (MB)':<52}{duck[1] / 1e6:>12.0f}{spark[1] / 1e6:>12.0f}")
    print(f"{'  identical result tables':<52}{'yes' if same_result_tables(duck_out, spark_out) else 'NO':>12}")


if __name__ == "__main__":
    main()
