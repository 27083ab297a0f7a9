"""Benchmark of memory: peak resident memory of a crawl, of a WARC import and of a search, as the
number of pages grows.

Crawl: for each of ``--sizes``, a mirror of 香港商報 with that many article pages (bench_crawl.py's,
twenty to a list page) is served on 127.0.0.1 and crawled by the real `archive crawl` (pipelines,
store, dedup, search index, WARC files) into a new archive. Import: the WARC files that crawl
wrote are imported by `archive import-warc` into another new archive. Each runs in a child
process whose peak resident set size is read from its resource usage (``wait4``): the figure
is the process's own, whatever the machine's other load. Memory that does not grow with the
number of pages is what a long crawl needs; the ratio of the largest size's peak to the
smallest's says whether it is flat.

:func:`search_peak_mb` measures `archive search` the same way, on any archive (for the index
benchmark's large archives).

Usage: .venv/bin/python scripts/bench_memory.py [--sizes 1000 3000 10000] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_crawl import build_mirror  # noqa: E402

from crawler.fetch.mirror import serve_mirror  # noqa: E402

QUIET = ["--format", "json", "-s", "PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"]


def measured(*arguments: str) -> tuple[dict, float, float]:
    """`archive ARGUMENTS` run in a fresh Python (so the largest child is this one): its JSON
    output, seconds and peak MB."""
    script = (
        "import json, resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.perf_counter() - started\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'code': done.returncode, 'out': done.stdout,"
        " 'err': done.stderr[-2000:], 'seconds': seconds, 'peak': peak}))\n"
    )
    command = [sys.executable, "-c", script, sys.executable, "-m", "crawler", *arguments]
    result = json.loads(subprocess.run(command, cwd=REPO, capture_output=True, text=True).stdout)
    if result["code"]:
        raise SystemExit(f"archive {' '.join(arguments)} failed:\n{result['err']}")
    output = json.loads(result["out"]) if result["out"].strip() else {}
    return output, result["seconds"], result["peak"]


def warc_bytes(folder: Path) -> int:
    """The size of the WARC files under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*.warc.gz"))


def crawl_and_import(pages: int, root: Path) -> dict:
    """Peak MB and seconds of a crawl of ``pages`` article pages and of importing its WARCs."""
    mirror = root / f"mirror-{pages}"
    build_mirror(mirror, pages)
    db = root / f"crawl-{pages}" / "archive.db"
    db.parent.mkdir()
    with serve_mirror(mirror) as server:
        crawl = ["crawl", "--source", "hkcd", "--mirror", server.url, "--since", "2024-01-01"]
        summary, crawl_seconds, crawl_peak = measured(*crawl, "--db", str(db), *QUIET)
    warcs = db.parent / "warcs"
    imported = root / f"import-{pages}.db"
    report, import_seconds, import_peak = measured(
        "import-warc", str(warcs), "--db", str(imported), "--format", "json"
    )
    return {
        "pages fetched": summary["sources"][0]["pages"],
        "crawl seconds": round(crawl_seconds, 1),
        "crawl peak MB": round(crawl_peak, 1),
        "WARC MB": round(warc_bytes(warcs) / 1e6, 1),
        "captures imported": report["captures"],
        "import seconds": round(import_seconds, 1),
        "import peak MB": round(import_peak, 1),
    }


def search_peak_mb(db: Path, queries: list[str]) -> dict[str, float]:
    """Peak MB of `archive search QUERY --db DB` for each query (one process each)."""
    return {
        query: round(measured("search", query, "--db", str(db), "--format", "json")[2], 1)
        for query in queries
    }


def measure(sizes: list[int]) -> dict:
    """Peak memory of a crawl and an import at each size, and the growth from first to last."""
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for pages in sizes:
            rows[str(pages)] = crawl_and_import(pages, Path(folder))
    first, last = rows[str(sizes[0])], rows[str(sizes[-1])]
    growth = {
        f"{what} peak, {sizes[-1]} / {sizes[0]} pages": round(
            last[f"{what} peak MB"] / first[f"{what} peak MB"], 2
        )
        for what in ("crawl", "import")
    }
    return {"sizes": rows, **growth}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    result = measure(arguments.sizes)
    if arguments.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    header = ("pages", "crawl s", "crawl MB", "WARC MB", "import s", "import MB")
    print(" ".join(f"{name:>9}" for name in header))
    for pages, row in result["sizes"].items():
        values = ("crawl seconds", "crawl peak MB", "WARC MB", "import seconds", "import peak MB")
        print(" ".join(f"{value:>9}" for value in (pages, *(row[key] for key in values))))
    for key, value in result.items():
        if key != "sizes":
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
