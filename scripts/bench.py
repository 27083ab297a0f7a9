"""`make bench`: every benchmark in its own process, with its peak memory, as one report.

Each section is one of the bench_*.py scripts run with ``--json`` in a child process, so its
peak resident memory (from the child's resource usage) is its own. The report is printed and
written into BENCHMARKS.md between the ``<!-- bench:start -->`` and ``<!-- bench:end -->``
markers (``bench-large:`` ones for ``--large``, `make bench-large`: the sizes up to 1,000,000
articles), with the date, the machine's core count and Python's version; the rest of the file
(the commentary) is left as it is. The report is rewritten after each section, so a run that is
stopped keeps what it measured, and says which sections it did not reach.

Usage: .venv/bin/python scripts/bench.py [--quick | --large] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "BENCHMARKS.md"
# (section, script, arguments, quick arguments): the quick ones keep a smoke run short.
SECTIONS = [
    (
        "extraction",
        "bench_extract.py",
        ["--pages", "2000"],
        ["--pages", "200", "--sample", "40", "--rounds", "1"],
    ),
    (
        "crawl and storage",
        "bench_crawl.py",
        ["--pages", "2000"],
        ["--pages", "200", "--rounds", "1"],
    ),
    (
        "cluster crawl",
        "bench_cluster.py",
        ["--pages", "2000"],
        ["--pages", "200", "--rounds", "1"],
    ),
    (
        "cluster crawl, politeness-bound",
        "bench_cluster_polite.py",
        ["--hosts", "20", "--pages", "60"],
        ["--hosts", "8", "--pages", "3"],
    ),
    (
        "memory",
        "bench_memory.py",
        ["--sizes", "1000", "3000", "10000"],
        ["--sizes", "100", "300"],
    ),
    ("search", "bench_search.py", ["--sizes", "10000"], ["--sizes", "2000"]),
    # The archive's growth (#21): our index alone, 10k and 100k (`make bench-large` adds 1M).
    (
        "search growth",
        "bench_search.py",
        ["--sizes", "10000", "100000", "--kinds", "bigram"],
        ["--sizes", "2000", "--kinds", "bigram"],
    ),
    ("near-duplicates", "bench_dedup.py", ["--sizes", "10000", "100000"], ["--sizes", "2000"]),
    # The same articles' index and clusters rebuilt in one pass (`make bench-large` adds 1M).
    (
        "near-duplicates rebuilt",
        "bench_dedup.py",
        ["--rebuild", "--compare", "--sizes", "10000", "100000"],
        ["--rebuild", "--compare", "--sizes", "2000"],
    ),
    # The whole archive per 1,000-character article, through the store (#21).
    ("archive size", "bench_size.py", ["--sizes", "10000", "100000"], ["--sizes", "1000"]),
    ("incremental re-crawl", "bench_recrawl.py", [], []),
]
# `make bench-large`: the growth to 1,000,000 articles (about 40 minutes on 2 cores).
LARGE_SECTIONS = [
    (
        "search growth to 1M",
        "bench_search.py",
        ["--sizes", "10000", "100000", "1000000", "--kinds", "bigram"],
        ["--sizes", "2000", "20000", "--kinds", "bigram"],
    ),
    (
        "near-duplicates rebuilt to 1M",
        "bench_dedup.py",
        ["--rebuild", "--sizes", "10000", "100000", "1000000"],
        ["--rebuild", "--sizes", "2000", "20000"],
    ),
]


def run_section(script: str, arguments: list[str]) -> tuple[object, float, float]:
    """(results, seconds, peak MB) of one bench script run in a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / script), *arguments, "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{script} failed with exit status {child.returncode}")
    return json.loads(output), time.perf_counter() - started, usage.ru_maxrss / 1024


def report(results: dict[str, tuple[object, float, float]], missing: list[str]) -> str:
    """The markdown report of a run; `missing`, the sections it has not reached."""
    lines = [
        f"Run of {date.today().isoformat()}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.machine()}.",
        "",
    ]
    if missing:
        lines += [f"Not reached (the run stopped or is running): {', '.join(missing)}.", ""]
    lines += [
        "| section | seconds | peak MB |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {name} | {seconds:.0f} | {peak:.0f} |" for name, (_, seconds, peak) in results.items()
    ]
    for name, (data, _, _) in results.items():
        lines += [
            "",
            f"{name}:",
            "",
            "```json",
            json.dumps(data, indent=1, ensure_ascii=False),
            "```",
        ]
    return "\n".join(lines)


def write_report(text: str, target: str) -> None:
    """Put the report between the `target` markers of BENCHMARKS.md (appending them if missing)."""
    start, end = f"<!-- {target}:start -->", f"<!-- {target}:end -->"
    current = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        tail = rest.split(end, 1)[1]
    else:
        head, tail = current.rstrip() + f"\n\n## Latest `make {target}` run\n\n", "\n"
    BENCHMARKS.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--large", action="store_true", help="the sizes up to 1,000,000")
    parser.add_argument("--no-write", action="store_true", help="leave BENCHMARKS.md alone")
    arguments = parser.parse_args()
    sections = LARGE_SECTIONS if arguments.large else SECTIONS
    target = "bench-large" if arguments.large else "bench"
    results = {}
    for done, (name, script, full, quick) in enumerate(sections, 1):
        print(f"running {name} …", file=sys.stderr, flush=True)
        results[name] = run_section(script, quick if arguments.quick else full)
        text = report(results, [section[0] for section in sections[done:]])
        if not arguments.no_write:
            write_report(text, target)
    print(text)


if __name__ == "__main__":
    main()
