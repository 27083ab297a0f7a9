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

Synthetic import (``--synthetic``): a WARC of N captures written with warcio, cheap to import
and each filling the import's map of originals (404 pages, small images, revisits of images read
earlier), imported by this tree's code and by the code of ``--before`` (a commit, main by
default) in the same run: peak MB and seconds of each, and the WARC's size.

:func:`search_peak_mb` measures `archive search` the same way, on any archive (for the index
benchmark's large archives).

Large import (``--warc-gb``): gzip WARC files of that many gigabytes in all (1 GB each, a gzip
member a record, as crawlers write them): of every ten captures, an article page sized like a
live one (bench_extract.py's pages of 50-300 KB, each at an address of its own) and nine images
of 300 KB that do not compress (stored as they are, as zlib stores what it cannot shrink),
imported by `archive import-warc` into a new archive: peak MB, seconds and the import's report.

``--lists-only`` switches the mirror's site search off: it answers a keyword with every
matching page at once, which real sites page, so the crawl then holds memory in proportion to
one answer (BENCHMARKS.md); the crawl finds the pages through the list pages alone.

Usage: .venv/bin/python scripts/bench_memory.py [--sizes 1000 3000 10000] [--lists-only] [--json]
       .venv/bin/python scripts/bench_memory.py --synthetic 100000 300000 [--before main]
       .venv/bin/python scripts/bench_memory.py --warc-gb 10 [--json]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import io
import json
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_crawl import HOST, build_mirror  # noqa: E402
from bench_extract import SEED, mirror_pages, sized_pages  # noqa: E402
from warcio.recordloader import ArcWarcRecord  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from crawler.fetch.mirror import serve_mirror  # noqa: E402

QUIET = ["--format", "json", "-s", "PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"]
# The synthetic captures' times: the originals', then their revisits'.
FIRST_DATE, REVISIT_DATE = "2024-08-30T03:00:00Z", "2024-09-30T03:00:00Z"
GONE = b"<html><body><p>Not found</p></body></html>"
# The large import's files and images (--warc-gb).
WARC_FILE_BYTES = 1_000_000_000
IMAGE_BYTES = 300_000


def measured(*arguments: str, code: Path = REPO) -> tuple[dict, float, float]:
    """`archive ARGUMENTS` run in a fresh Python (so the largest child is this one) on the code
    of the tree ``code``: its JSON output, seconds and peak MB."""
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
    result = json.loads(subprocess.run(command, cwd=code, capture_output=True, text=True).stdout)
    if result["code"]:
        raise SystemExit(f"archive {' '.join(arguments)} failed:\n{result['err']}")
    output = json.loads(result["out"]) if result["out"].strip() else {}
    return output, result["seconds"], result["peak"]


def warc_bytes(folder: Path) -> int:
    """The size of the WARC files under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*.warc.gz"))


def crawl_and_import(pages: int, root: Path, lists_only: bool = False) -> dict:
    """Peak MB and seconds of a crawl of ``pages`` article pages and of importing its WARCs
    (with ``lists_only``, the mirror's site search switched off: the crawl finds the pages
    through the list pages alone, twenty to a page)."""
    mirror = root / f"mirror-{pages}"
    build_mirror(mirror, pages)
    if lists_only:
        (mirror / HOST / "_mirror.json").unlink()
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


def image_url(n: int) -> str:
    return f"https://static.example.com.hk/images/{n}.jpg"


def image_body(n: int) -> bytes:
    """The n-th synthetic image: small, and unlike any other."""
    return b"\xff\xd8\xff\xe0%08d" % n + bytes(64)


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest of ``body``, as warcio writes it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


def synthetic_record(writer: WARCWriter, n: int, chance: random.Random) -> ArcWarcRecord:
    """The n-th capture of a synthetic WARC: of every ten, a 404 page, six images and three
    revisits (by payload digest) of an image written earlier, picked at random."""
    if n % 10 >= 7:
        image = 10 * chance.randrange(n // 10 + 1) + chance.randint(1, 6)
        digest = payload_digest(image_body(image))
        url = image_url(image)
        dated = {"WARC-Date": REVISIT_DATE}
        return writer.create_revisit_record(url, digest, url, FIRST_DATE, warc_headers_dict=dated)
    url, status, media_type, body = (image_url(n), "200 OK", "image/jpeg", image_body(n))
    if n % 10 == 0:
        url, status, media_type, body = (
            f"https://news.example.com.hk/gone/{n}.html", "404 Not Found", "text/html", GONE
        )  # fmt: skip
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(status, [("Content-Type", media_type)], "HTTP/1.1"),
        warc_headers_dict={"WARC-Date": FIRST_DATE},
    )


def synthetic_warc(path: Path, captures: int) -> None:
    """A gzip WARC of ``captures`` synthetic captures (:func:`synthetic_record`)."""
    chance = random.Random(captures)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(captures):
            writer.write_record(synthetic_record(writer, n, chance))


def large_record(n: int, pages: list[tuple[str, bytes]], noise: bytes) -> bytes:
    """The n-th capture of the large WARCs as one gzip member: every tenth an article page at
    an address of its own, the others images that do not compress."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    if n % 10 == 0:
        url, body = pages[n // 10 % len(pages)]
        url, media_type, level = f"{url}?capture={n}", "text/html; charset=utf-8", 6
    else:
        start = n * 7919 % (len(noise) - IMAGE_BYTES)
        body = b"\xff\xd8\xff\xe0%012d" % n + noise[start : start + IMAGE_BYTES]
        url, media_type, level = image_url(n), "image/jpeg", 0
    headers = StatusAndHeaders("200 OK", [("Content-Type", media_type)], "HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": FIRST_DATE},
    )
    writer.write_record(record)
    return gzip.compress(buffer.getvalue(), compresslevel=level, mtime=0)


def large_warcs(folder: Path, gigabytes: float) -> int:
    """Gzip WARC files of ``gigabytes`` in all under ``folder`` (:func:`large_record`, 1 GB a
    file); the number of captures written."""
    pages = sized_pages(mirror_pages(), 2000)
    noise = random.Random(SEED).randbytes(8 << 20)
    left, n = gigabytes * 1e9, 0
    while left > 0:
        with (folder / f"large-{n:09d}.warc.gz").open("wb") as out:
            while out.tell() < min(WARC_FILE_BYTES, left):
                out.write(large_record(n, pages, noise))
                n += 1
            left -= out.tell()
    return n


def large_import(gigabytes: float) -> dict:
    """Peak MB and seconds of `archive import-warc` of ``gigabytes`` of large WARCs."""
    with tempfile.TemporaryDirectory() as folder:
        warcs = Path(folder) / "warcs"
        warcs.mkdir()
        started = time.perf_counter()
        captures = large_warcs(warcs, gigabytes)
        written = time.perf_counter() - started
        db = Path(folder) / "large.db"
        report, seconds, peak = measured(
            "import-warc", str(warcs), "--db", str(db), "--format", "json"
        )
        return {
            "WARC files": len(list(warcs.iterdir())),
            "WARC MB": round(warc_bytes(warcs) / 1e6, 1),
            "captures written": captures,
            "seconds to write them": round(written, 1),
            "import seconds": round(seconds, 1),
            "import peak MB": round(peak, 1),
            "archive MB": round(db.stat().st_size / 1e6, 1),
            "report": {key: report[key] for key in report if key not in ("db", "crawl_id")},
        }


def exported(commit: str, folder: Path) -> Path:
    """This repository's tree at ``commit``, written into ``folder``."""
    tree = subprocess.run(["git", "archive", commit], cwd=REPO, capture_output=True, check=True)
    folder.mkdir()
    with tarfile.open(fileobj=io.BytesIO(tree.stdout)) as archive:
        archive.extractall(folder, filter="data")
    return folder


def synthetic_import(warc: Path, code: Path) -> tuple[dict, float, float]:
    """`archive import-warc WARC` into a new archive (deleted after) on the code of ``code``:
    its report (no db, no crawl id), seconds and peak MB."""
    db = warc.with_name(f"{code.name}-{warc.stem}.db")
    report, seconds, peak = measured(
        "import-warc", str(warc), "--db", str(db), "--format", "json", code=code
    )
    for path in db.parent.glob(f"{db.name}*"):
        path.unlink()
    return {key: report[key] for key in report if key not in ("db", "crawl_id")}, seconds, peak


def synthetic_imports(sizes: list[int], before: str) -> dict:
    """Peak MB and seconds of importing a synthetic WARC of each size (captures) with the code
    of the commit ``before`` and with this tree's, and whether their reports agree."""
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        codes = {"before": exported(before, root / "before"), "after": REPO}
        for captures in sizes:
            warc = root / f"synthetic-{captures}.warc.gz"
            synthetic_warc(warc, captures)
            row: dict = {"WARC MB": round(warc.stat().st_size / 1e6, 1)}
            reports = []
            for label, code in codes.items():
                report, seconds, peak = synthetic_import(warc, code)
                reports.append(report)
                row |= {f"{label} seconds": round(seconds, 1), f"{label} peak MB": round(peak, 1)}
            row |= {"imported": reports[1]["captures"], "reports agree": reports[0] == reports[1]}
            rows[str(captures)] = row
            warc.unlink()
    return rows


def measure(sizes: list[int], lists_only: bool = False) -> dict:
    """Peak memory of a crawl and an import at each size, and the growth from first to last."""
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for pages in sizes:
            rows[str(pages)] = crawl_and_import(pages, Path(folder), lists_only)
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
    parser.add_argument("--synthetic", type=int, nargs="+", metavar="CAPTURES")
    parser.add_argument("--before", default="main", help="commit the synthetic import compares")
    parser.add_argument("--warc-gb", type=float, help="import WARC files of this many GB in all")
    parser.add_argument(
        "--lists-only",
        action="store_true",
        help="switch the mirror's site search off (it answers every match at once)",
    )
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    if arguments.warc_gb:
        print(json.dumps(large_import(arguments.warc_gb), indent=2, ensure_ascii=False))
        return
    if arguments.synthetic:
        print_synthetic(synthetic_imports(arguments.synthetic, arguments.before), arguments.json)
        return
    result = measure(arguments.sizes, arguments.lists_only)
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


def print_synthetic(rows: dict, as_json: bool) -> None:
    """The synthetic imports' figures, as JSON or a table."""
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    keys = ("WARC MB", "before seconds", "before peak MB", "after seconds", "after peak MB")
    print(" ".join(f"{name:>9}" for name in ("captures", "WARC MB", "before s", "before MB",
                                              "after s", "after MB", "agree")))  # fmt: skip
    for captures, row in rows.items():
        values = (captures, *(row[key] for key in keys), row["reports agree"])
        print(" ".join(f"{value!s:>9}" for value in values))


if __name__ == "__main__":
    main()
