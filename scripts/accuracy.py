"""Extraction accuracy on real pages: ours, trafilatura and GNE side by side, in one run.

Page sets, each read from a folder; a set whose folder is missing is skipped with a note:

- realpages (``--realpages``, default ../shared/realpages): real pages with gold written by hand
  (``gold.json``, ``pages/*.html.gz``), scored by the set's own ``score.py``;
- fixtures (tests/realpages): our own real pages in the same layout, scored by the same
  ``score.py`` (so skipped when realpages is missing);
- aeb (``--aeb``): a local copy of scrapinghub/article-extraction-benchmark (``ground-truth.json``,
  ``html/*.html.gz``, ``evaluate.py``), scored by running its own ``evaluate.py`` on the three
  extractors' outputs.

The extractors:

- ours: ``crawler.extract.page.extract_record`` (as ``archive extract FILE --url URL``): title,
  published, the bylines whose role is reporter, author or correspondent, and the body;
- trafilatura: ``bare_extraction(html, url=…, with_metadata=True)`` (its ``author`` split on
  ``;``); on the AEB ``extract(html, include_comments=False)``, as the benchmark runs it;
- GNE: ``GeneralNewsExtractor().extract(html)`` on the page decoded as Scrapy decodes it.

Usage: .venv/bin/python scripts/accuracy.py [--realpages DIR] [--aeb DIR] [--write FILE]
       [--failures N] [--only ours]
``--write BENCHMARKS.md`` replaces the file's "Extraction accuracy on real pages" section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import importlib.util
import json
import logging
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scrapy.http import HtmlResponse  # noqa: E402

from crawler.extract.page import canonical_url, extract_record  # noqa: E402

FIXTURES = REPO / "tests" / "realpages"
AUTHOR_ROLES = {"reporter", "author", "correspondent"}
PAGE_FIELDS = ("title", "date", "time", "authors", "first_sentence", "last_sentence", "body_f1")
FIELD_HEADS = ("title", "day", "time", "authors", "first sent.", "last sent.", "body F1")
SECTION_HEAD = "## Extraction accuracy on real pages"
Prediction = dict[str, object]
Extractor = Callable[[str, bytes], Prediction]


def predict_ours(url: str, body: bytes) -> Prediction:
    """Our record of a page, as `archive extract` makes it."""
    record = extract_record(url, body, {})
    authors = [b["name"] for b in record["bylines"] if b["role"] in AUTHOR_ROLES]
    return {
        "title": record["title"],
        "published": record["published"],
        "authors": list(dict.fromkeys(authors)),
        "body": record["body"],
    }


def trafilatura_predictor() -> Extractor | None:
    """trafilatura's prediction of a page, or None when it is not installed."""
    try:
        import trafilatura
    except ImportError:
        return None

    def run(url: str, body: bytes) -> Prediction:
        doc = trafilatura.bare_extraction(body, url=url, with_metadata=True)
        found = doc.as_dict() if doc is not None else {}
        author = found.get("author") or ""
        return {
            "title": found.get("title"),
            "published": found.get("date"),
            "authors": [name.strip() for name in author.split(";") if name.strip()],
            "body": found.get("text") or "",
        }

    return run


def gne_predictor() -> Extractor | None:
    """GNE's prediction of a page, or None when it is not installed."""
    try:
        from gne import GeneralNewsExtractor
    except ImportError:
        return None
    extractor = GeneralNewsExtractor()

    def run(url: str, body: bytes) -> Prediction:
        found = extractor.extract(HtmlResponse(url=url, body=body).text)
        author = found.get("author") or ""
        return {
            "title": found.get("title"),
            "published": found.get("publish_time"),
            "authors": [author] if author else [],
            "body": found.get("content") or "",
        }

    return run


def safely(run: Extractor, url: str, body: bytes) -> Prediction:
    """An extractor's prediction; an empty one (scored as wrong) when it raises."""
    try:
        return run(url, body)
    except Exception as error:  # a tool's crash on one page must not stop the table
        logging.warning("%s failed on %s: %r", getattr(run, "__name__", run), url, error)
        return {"title": None, "published": None, "authors": [], "body": ""}


def load_module(path: Path, name: str) -> ModuleType:
    """Import a set's own Python file (its scorer) by path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_gold_set(
    folder: Path, scorer: ModuleType, extractors: dict[str, Extractor], failures: int
) -> dict[str, dict[str, dict[str, float]]]:
    """Mean score per region and extractor of a gold.json set: {group: {name: {field: mean}}}."""
    pages = json.loads((folder / "gold.json").read_text(encoding="utf-8"))["pages"]
    per_page: dict[str, list[tuple[dict, dict, Prediction]]] = {name: [] for name in extractors}
    for gold in pages:
        body = gzip.decompress((folder / gold["file"]).read_bytes())
        # As `archive extract FILE` does without --url: the page's own URL, else the file's.
        url = gold["url"] or canonical_url(body) or (folder / gold["file"]).resolve().as_uri()
        for name, run in extractors.items():
            prediction = safely(run, url, body)
            per_page[name].append((gold, scorer.score_page(gold, prediction), prediction))
    if failures:
        show_failures(per_page.get("ours", []), failures)
    groups: dict[str, dict[str, dict[str, float]]] = {}
    regions = ["ALL", *sorted({gold["region"] for gold in pages})]
    for region in regions:
        groups[region] = {}
        for name, scored in per_page.items():
            rows = [s for g, s, _ in scored if region in ("ALL", g["region"])]
            groups[region][name] = {"n": len(rows)} | {
                field: mean([row[field] for row in rows]) for field in PAGE_FIELDS
            }
    return groups


def mean(values: list[float | None]) -> float:
    """Mean of the values that apply (None: not scored on that page)."""
    kept = [value for value in values if value is not None]
    return sum(kept) / len(kept) if kept else float("nan")


def show_failures(scored: list[tuple[dict, dict, Prediction]], count: int) -> None:
    """Print, per field, up to ``count`` pages where ours is wrong, with gold and ours."""
    for field in PAGE_FIELDS:
        wrong = [(g, s, p) for g, s, p in scored if s[field] is not None and s[field] < 0.999]
        wrong.sort(key=lambda entry: entry[1][field])
        for gold, scores, prediction in wrong[:count]:
            expected = gold.get({"date": "date", "body_f1": "first_sentence"}.get(field, field))
            if field == "time":
                expected = gold.get("time")
            key = {"date": "published", "time": "published"}.get(field, field)
            found = (
                prediction.get(key)
                if key in ("title", "published", "authors")
                else prediction.get("body", "")[:120].replace("\n", " / ")
            )
            print(
                f"[{field} {scores[field]:.2f}] {gold['id']}: gold {expected!r} / ours {found!r}",
                file=sys.stderr,
            )


def score_aeb(folder: Path, extractors: dict[str, Extractor]) -> dict[str, dict[str, float]]:
    """F1, precision and recall per extractor by the benchmark's own evaluate.py, and the
    number of empty bodies."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "output").mkdir()
        (Path(work) / "ground-truth.json").symlink_to(folder / "ground-truth.json")
        empties: dict[str, int] = {}
        for name, run in extractors.items():
            output = {}
            for key, entry in truth.items():
                body = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
                output[key] = {"articleBody": safely(run, entry["url"], body)["body"] or ""}
            empties[name] = sum(1 for value in output.values() if not value["articleBody"].strip())
            path = Path(work) / "output" / f"{name}.json"
            path.write_text(json.dumps(output, ensure_ascii=False), encoding="utf-8")
        metrics_path = Path(work) / "metrics.json"
        subprocess.run(
            [
                sys.executable,
                str(folder / "evaluate.py"),
                "--n-bootstrap",
                "2",
                "--output",
                str(metrics_path),
            ],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    for name in extractors:
        found = metrics[name]
        results[name] = {
            "n": len(truth),
            "f1": found["f1"],
            "precision": found["precision"],
            "recall": found["recall"],
            "empty": empties[name],
        }
    return results


def aeb_extractors(extractors: dict[str, Extractor]) -> dict[str, Extractor]:
    """The extractors as the benchmark runs them (trafilatura's ``extract``, not metadata)."""
    chosen = dict(extractors)
    if "trafilatura" in chosen:
        import trafilatura

        def run(url: str, body: bytes) -> Prediction:
            text = trafilatura.extract(body.decode("utf-8", "replace"), include_comments=False)
            return {"body": text or ""}

        chosen["trafilatura"] = run
    return chosen


def gold_table(title: str, groups: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """A Markdown table: one row per region and extractor, one column per field."""
    lines = [
        f"**{title}**",
        "",
        "| group | extractor | n | " + " | ".join(FIELD_HEADS) + " |",
        "|---|---|---:|" + "---:|" * len(FIELD_HEADS),
    ]
    for region, by_name in groups.items():
        for name, scores in by_name.items():
            cells = [f"{scores[field]:.2f}" for field in PAGE_FIELDS]
            lines.append(f"| {region} | {name} | {scores['n']} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def aeb_table(results: dict[str, dict[str, float]]) -> list[str]:
    """A Markdown table of the AEB figures per extractor."""
    lines = [
        "**article-extraction-benchmark** (its evaluate.py: token 4-gram shingles)",
        "",
        "| extractor | n | F1 | precision | recall | empty bodies |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['n']} | {row['f1']:.3f} | {row['precision']:.3f} |"
            f" {row['recall']:.3f} | {row['empty']} |"
        )
    return [*lines, ""]


def write_section(path: Path, lines: list[str]) -> None:
    """Replace (or append) the accuracy section of a Markdown file."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    section = "\n".join([SECTION_HEAD, "", *lines]).rstrip() + "\n"
    start = text.find(SECTION_HEAD)
    if start < 0:
        path.write_text(text.rstrip() + "\n\n" + section, encoding="utf-8")
        return
    end = text.find("\n## ", start + len(SECTION_HEAD))
    rest = text[end + 1 :] if end >= 0 else ""
    path.write_text(text[:start] + section + ("\n" + rest if rest else ""), encoding="utf-8")


def versions() -> str:
    """The compared tools' versions."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("trafilatura", "gne", "lxml"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} not installed")
    return ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--realpages", type=Path, default=REPO.parent / "shared" / "realpages")
    parser.add_argument("--aeb", type=Path, default=None)
    parser.add_argument("--write", type=Path, default=None, help="Markdown file to update")
    parser.add_argument("--failures", type=int, default=0, help="list our N worst per field")
    parser.add_argument("--only", nargs="*", default=None, help="run only these extractors")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    extractors = {
        name: run
        for name, run in (
            ("ours", predict_ours),
            ("trafilatura", trafilatura_predictor()),
            ("GNE", gne_predictor()),
        )
        if run is not None and (arguments.only is None or name in arguments.only)
    }
    started = time.perf_counter()
    lines = [
        f"{dt.date.today().isoformat()}, `make accuracy` (scripts/accuracy.py), Python"
        f" {platform.python_version()}, {versions()}. Pages no one here wrote; gold written"
        " by reading each page. Fields as realpages' score.py scores them: title exact; same"
        " day; same HH:MM where the page prints a time; authors as an exact set; the gold"
        " first and last sentence inside the body; body character-bigram F1.",
        "",
    ]
    notes = []
    scorer_path = arguments.realpages / "score.py"
    scorer = None
    if scorer_path.exists():
        scorer = load_module(scorer_path, "realpages_score")
        scorer.setup_fold(True)
    for label, folder in (("realpages", arguments.realpages), ("tests/realpages", FIXTURES)):
        if scorer is None or not (folder / "gold.json").exists():
            notes.append(f"{label}: skipped ({folder} or its scorer is missing)")
            continue
        groups = score_gold_set(folder, scorer, extractors, arguments.failures)
        lines += gold_table(label if folder == FIXTURES else f"{label} ({folder})", groups)
    if arguments.aeb is not None and (arguments.aeb / "ground-truth.json").exists():
        lines += aeb_table(score_aeb(arguments.aeb, aeb_extractors(extractors)))
    else:
        where = f"no copy at {arguments.aeb}" if arguments.aeb else "no --aeb given"
        notes.append(f"article-extraction-benchmark: skipped ({where})")
    lines += [f"Note: {note}." for note in notes]
    lines.append(f"\nWhole run: {time.perf_counter() - started:.0f} s.")
    print("\n".join(lines))
    if arguments.write:
        write_section(arguments.write, lines)


if __name__ == "__main__":
    main()
