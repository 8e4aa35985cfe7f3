"""``cio-tui replay`` on a generated 1,000,000-call traffic file (identify, track, page, alias; 100,000 people),
side by side in one run:

- the command as an operator runs it (``cio-tui replay FILE --json``, a fresh process: the reading, every call
  through both destinations into both what-if copies, the diff, the JSON) against merely parsing the same file
  with ``json.loads`` per line in a fresh process (target: at most 10x). A large replay can use two processes
  (each reads the traffic and runs one destination into its own what-if copy: the classic one in a second process);
  the bench runs it both ways, ``--jobs 2`` and ``--jobs 1``, says which one the command picks by default on this
  machine, and checks both print the same JSON;
- calls per second, wall and CPU seconds (CPU counts both processes: two processes do not do less work);
- peak memory: the command's process and, with two processes, the second one's (printed by the command), and their
  sum (target: under 1 GB);
- where the time goes: a profile of the first ``--profile-calls`` calls in this process, per layer (reading and
  ordering, the plain messages or the call models, the two destinations' mappings, the model of Customer.io, the
  diff).

Usage: python bench/bench_replay.py [--calls 1000000] [--people 100000] [--seed 7] [--dir DIR] [--profile-calls N]
Smoke run: python bench/bench_replay.py --calls 20000 --people 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's own cio_tui, as the child process (cwd = the checkout) uses

PARSE_SCRIPT = """
import json, sys
loads = json.loads
n = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        loads(line)
        n += 1
print(n)
"""

EVENTS = ["Signed Up", "Order Completed", "Product Viewed", "Cart Viewed", "Checkout Started", "Logged In"]
PLANS = ["free", "pro", "team", "enterprise"]


def generate(path: Path, calls: int, people: int, seed: int) -> None:
    """Mixed traffic in delivery order: 20% identify, 60% track, 17% page, 3% alias; some anonymous activity, some
    late (older) timestamps, ISO dates in traits. Written line by line (the generator keeps no call in memory)."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        for n in range(calls):
            received = start + timedelta(seconds=n * 2)
            person = rng.randrange(people)
            user_id, anon = f"user-{person}", f"anon-{person}"
            late = rng.random() < 0.02
            stamp = received - timedelta(hours=rng.randrange(1, 48)) if late else received
            context = {"library": {"name": "analytics.js", "version": "5.0.0"}, "ip": "203.0.113.9"}
            base = {"messageId": f"m-{n}", "receivedAt": received.isoformat().replace("+00:00", "Z"),
                    "timestamp": stamp.isoformat().replace("+00:00", "Z"), "anonymousId": anon,
                    "context": context}  # fmt: skip
            roll = rng.random()
            if roll < 0.20:
                msg = {**base, "type": "identify", "userId": user_id,
                       "traits": {"email": f"{user_id}@example.com", "plan": rng.choice(PLANS),
                                  "createdAt": (start - timedelta(days=person % 900)).isoformat(),
                                  "logins": rng.randrange(100)}}  # fmt: skip
            elif roll < 0.80:
                identified = rng.random() < 0.85
                props = {"value": round(rng.random() * 100, 2), "currency": "USD", "sku": f"sku-{n % 997}"}
                msg = {**base, "type": "track", "event": rng.choice(EVENTS), "properties": props}
                if identified:
                    msg["userId"] = user_id
            elif roll < 0.97:
                props = {"url": f"https://example.com/p/{n % 50}", "title": "Pricing", "path": "/p"}
                msg = {**base, "type": "page", "name": "Pricing", "properties": props}
                if rng.random() < 0.85:
                    msg["userId"] = user_id
            else:
                other = rng.randrange(people)
                msg = {**base, "type": "alias", "userId": user_id, "previousId": f"user-{other}"}
            out.write(json.dumps(msg, separators=(",", ":")) + "\n")


def run_child(argv: list[str], stdout_path: Path, stderr_path: Path | None = None) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak RSS bytes, exit status) of one fresh process. CPU seconds (user + system,
    its own second process included: Linux adds a waited-for child's usage) are the figure to compare on a loaded
    machine: wall time also counts the time other processes had the cores."""
    with stdout_path.open("wb") as out, (stderr_path or Path(os.devnull)).open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, status


def worker_peak(stderr_path: Path) -> int:
    """The second process's peak memory as the command prints it (bytes; 0 when one process ran)."""
    found = re.search(r"second process peak memory (\d+) MB", stderr_path.read_text(errors="replace"))
    return int(found.group(1)) * 1_000_000 if found else 0


def process_cpu(stderr_path: Path) -> str:
    """Each process's CPU seconds as the command prints them ("" when it does not say)."""
    text = stderr_path.read_text(errors="replace")
    two = re.search(r"peak memory \d+ MB, CPU ([\d.]+) s; this one CPU ([\d.]+) s", text)
    if two:
        return f"Actions process {two.group(2)} s, classic process {two.group(1)} s"
    one = re.search(r"\(CPU ([\d.]+) s\)", text)
    return f"one process {one.group(1)} s" if one else ""


def profile_layers(path: Path, calls: int) -> list[tuple[str, float]]:
    """Share of time per layer over the first ``calls`` calls (cProfile, cumulative time of each layer's entry)."""
    import cProfile
    import itertools
    import pstats

    from cio_tui.segment.replay import replay

    head = path.with_suffix(".head.jsonl")
    with path.open(encoding="utf-8") as src, head.open("w", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, calls))
    profiler = cProfile.Profile()
    profiler.enable()
    replay(head, [], jobs=1)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    layers = {
        # a JSON lines file already in delivery order is read in one loop of its own; others through _valid
        "reading and ordering (json.loads, delivery order)": ("ordering.py", "_valid _json_lines_in_order"),
        "plain messages (the call's message without the models)": ("plain_calls.py", "plain_message"),
        "call models (pydantic validation, for messages that are not plain)": ("models.py", "call_from_message"),
        "classic destination mapping": ("classic.py", "classic_for_fields"),
        "Actions destination mapping (mapping-kit, validation, buildPayload)": ("actions.py", "replay_requests"),
        "model of Customer.io (Engine.execute, both copies)": ("engine.py", "execute"),
        "population diff": ("diff.py", "population_diff"),
    }
    out = []
    for label, (file, funcs) in layers.items():
        names = funcs.split()
        cum = sum(v[3] for k, v in stats.stats.items() if k[0].endswith(file) and k[2] in names)  # type: ignore[attr-defined]
        out.append((label, cum / total))
    head.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--profile-calls", type=int, default=20_000)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-replay-"))
    folder.mkdir(parents=True, exist_ok=True)
    traffic = folder / f"traffic-{args.calls}-{args.people}-{args.seed}.jsonl"
    if not traffic.exists():
        t = time.perf_counter()
        generate(traffic, args.calls, args.people, args.seed)
        print(f"generated {traffic} ({traffic.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    parse_argv = [sys.executable, "-c", PARSE_SCRIPT, str(traffic)]
    parse_wall, parse_cpu, parse_rss, _ = run_child(parse_argv, folder / "parse.out")
    runs = {}
    for jobs in (2, 1):
        argv = [sys.executable, "-m", "cio_tui", "replay", str(traffic), "--json", "--jobs", str(jobs)]
        out, err = folder / f"replay-jobs{jobs}.json", folder / f"replay-jobs{jobs}.err"
        wall, cpu, rss, status = run_child(argv, out, err)
        if status != 0:
            sys.exit(f"cio-tui replay --jobs {jobs} failed with status {status}: see {err}")
        runs[jobs] = (wall, cpu, rss, worker_peak(err), out.read_bytes())
    if runs[1][4] != runs[2][4]:
        sys.exit("the two runs printed different JSON: the two-process replay is wrong")
    result = json.loads(runs[2][4])
    calls = result["calls"]
    from cio_tui.segment.replay.parallel import worth_it

    default_jobs = 2 if worth_it(traffic.stat().st_size, None) else 1
    print()
    print(f"{'':52}{'seconds':>9}{'CPU s':>9}{'calls/s':>10}{'x wall':>8}{'x CPU':>7}{'peak MB':>9}")
    print(f"{'json.loads per line (reference)':52}{parse_wall:9.2f}{parse_cpu:9.2f}{args.calls / parse_wall:10,.0f}"
          f"{1:8.1f}{1:7.1f}{parse_rss / 1e6:9.0f}")  # fmt: skip
    labels = {2: "cio-tui replay FILE --json --jobs 2 (2 processes)", 1: "cio-tui replay FILE --json --jobs 1"}
    for jobs in (2, 1):
        label = labels[jobs] + (" *" if jobs == default_jobs else "")
        wall, cpu, rss, peak2, _ = runs[jobs]
        memory = f"{(rss + peak2) / 1e6:9.0f}"
        print(f"{label:52}{wall:9.2f}{cpu:9.2f}{calls / wall:10,.0f}{wall / parse_wall:8.1f}{cpu / parse_cpu:7.1f}"
              f"{memory}")  # fmt: skip
    wall, cpu, rss, peak2, _ = runs[2]
    print(f"* the default here: without --jobs, cio-tui replay uses {default_jobs} process(es) for this file on this "
          f"machine ({len(os.sched_getaffinity(0))} cores)")  # fmt: skip
    print(f"CPU per process: 2 processes: {process_cpu(folder / 'replay-jobs2.err')}; "
          f"--jobs 1: {process_cpu(folder / 'replay-jobs1.err')}")  # fmt: skip
    print()
    print(f"ratio to json.loads: {wall / parse_wall:.1f}x wall with 2 processes ({runs[1][0] / parse_wall:.1f}x with "
          f"one); {cpu / parse_cpu:.1f}x CPU (target: at most 10x)")  # fmt: skip
    print(f"peak memory: {rss / 1e6:.0f} MB + {peak2 / 1e6:.0f} MB (second process) = {(rss + peak2) / 1e6:.0f} MB; "
          f"one process: {runs[1][2] / 1e6:.0f} MB (target: under 1000 MB)")  # fmt: skip
    print("both runs printed the same JSON")
    print(
        f"calls {result['calls']:,}, malformed {len(result['malformed'])}, people differing "
        f"{result['people_differing']:,}; " + ", ".join(f"{k['kind']} {k['count']:,}" for k in result["kinds"])
    )
    if args.profile_calls:
        print(f"\nwhere the time goes (profile of the first {args.profile_calls:,} calls, cumulative, overlapping):")
        for label, share in profile_layers(traffic, args.profile_calls):
            print(f"  {share * 100:5.1f}%  {label}")


if __name__ == "__main__":
    main()
