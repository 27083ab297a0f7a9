"""Cluster crawls (crawler/cluster/) over the bundled mirror and a Redis on loopback: two
workers and an ingester archive what a single-process crawl does, fetching no page twice; a
worker killed mid-crawl loses nothing; the commands refuse what they cannot do in one line."""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.cluster import Cluster
from crawler.cluster.events import apply_event
from crawler.crawl.campaign import DEFAULT_CAMPAIGN, load_campaign
from crawler.fetch.mirror import MirrorServer, serve_mirror
from crawler.store import Archive
from crawler.warc.reader import check_warc
from crawler.warc.writer import OPEN
from tests.helpers import MIRROR, REPO, run_archive

CAMPAIGN = load_campaign(DEFAULT_CAMPAIGN)
SOURCES = sorted(CAMPAIGN.sources)
# Generous: a 2-core CI machine runs the whole crawl in about 10 s.
DEADLINE_SECONDS = 180
ROBOTS = "/robots.txt"
COUNT_COLUMNS = (
    "articles_new", "articles_updated", "articles_unchanged", "articles_duplicate", "skipped",
    "not_modified", "errors",
)  # fmt: skip

RequestKey = tuple[str, str, str]


@dataclass(frozen=True)
class Reference:
    """A single-process crawl of the mirror: its archive, and what it asked the mirror for."""

    db_path: Path
    requests: Counter[RequestKey]


def requests_of(server: MirrorServer) -> Counter[RequestKey]:
    """How often each (method, host, path) was answered. The mirror's log keeps neither query
    strings nor POST bodies: hkcd's search POSTs (one per keyword) share a key."""
    return Counter((method, host, path) for method, host, path, _ in server.log.entries)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    db_path = tmp_path_factory.mktemp("reference") / "archive.db"
    with serve_mirror(MIRROR) as server:
        result = run_archive("crawl", "--mirror", server.url, "--db", str(db_path))
        requests = requests_of(server)
    assert result.returncode == 0, result.stderr
    return Reference(db_path, requests)


@dataclass
class Child:
    """An `archive` command running in a child process, its output going to files (a full pipe
    would block one child while the test waits on another)."""

    name: str
    process: subprocess.Popen
    folder: Path

    def output(self) -> tuple[str, str]:
        """The command's stdout and stderr so far."""
        stem = self.folder / self.name
        return stem.with_suffix(".out").read_text(), stem.with_suffix(".err").read_text()

    def finish(self, deadline: float) -> tuple[str, str]:
        """Wait for the command to end by ``deadline`` (monotonic), successfully and without a
        traceback or warning; its stdout and stderr."""
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"{self.name} did not end in time:\n{self.output()[1][-3000:]}")
        out, err = self.output()
        assert self.process.returncode == 0, err[-3000:]
        assert "Traceback" not in err
        # No Python warning (a ScrapyDeprecationWarning is logged as one); the log's own
        # WARNING lines, such as a lost worker's, are in capitals.
        assert "Warning" not in err, err
        return out, err


@pytest.fixture
def start(tmp_path: Path, redis_url: str) -> Iterator[Callable[..., Child]]:
    """Starts `archive` commands as Child processes; kills those still running at the end
    (before the test's Redis is flushed or stopped)."""
    children: list[Child] = []

    def start_child(name: str, *args: str) -> Child:
        with (
            (tmp_path / f"{name}.out").open("w") as out,
            (tmp_path / f"{name}.err").open("w") as err,
        ):
            process = subprocess.Popen(
                [sys.executable, "-m", "crawler", *args], cwd=REPO, stdout=out, stderr=err
            )
        children.append(Child(name, process, tmp_path))
        return children[-1]

    yield start_child
    for child in children:
        if child.process.poll() is None:
            child.process.kill()
        child.process.wait()


def wait_until(condition: Callable[[], bool], what: str, *watched: Child) -> None:
    """Poll ``condition`` until it holds; fail when a watched child ends or time is up."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        for child in watched:
            if child.process.poll() is not None:
                pytest.fail(f"{child.name} ended before {what}:\n{child.output()[1][-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def cluster(redis_url: str) -> Iterator[Cluster]:
    """The campaign's cluster in the test's Redis, to watch it as the workers do."""
    opened = Cluster.open(redis_url, CAMPAIGN.name)
    yield opened
    opened.client.close()


def seed(redis_url: str, mirror: MirrorServer, db_path: Path) -> dict[str, int]:
    result = run_archive(
        "crawl", "--cluster", redis_url, "--seed", "--mirror", mirror.url, "--db", str(db_path),
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr
    return json.loads(result.stdout)["seeded"]


@pytest.fixture
def seeded(redis_url: str, mirror: MirrorServer, db_path: Path) -> dict[str, int]:
    """The cluster's frontier seeded for the archive at db_path: requests queued per source."""
    return seed(redis_url, mirror, db_path)


def worker_args(redis_url: str, name: str, mirror: MirrorServer, db_path: Path) -> list[str]:
    return [
        "crawl", "--cluster", redis_url, "--worker", name, "--mirror", mirror.url,
        "--db", str(db_path),
    ]  # fmt: skip


# what the archives hold


def query(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


def articles(db_path: Path) -> set[tuple]:
    rows = query(db_path, "SELECT canonical_url, title, published, body FROM articles")
    return {(url, title, published, hashlib.sha256(body.encode()).hexdigest())
            for url, title, published, body in rows}  # fmt: skip


def clusters(db_path: Path) -> set[frozenset[str]]:
    """The near-duplicate clusters, as sets of their articles' canonical URLs (cluster ids and
    which article is the original depend on the order articles were written in)."""
    groups: dict[int, set[str]] = {}
    sql = "SELECT cluster_id, canonical_url FROM articles WHERE cluster_id IS NOT NULL"
    for cluster_id, url in query(db_path, sql):
        groups.setdefault(cluster_id, set()).add(url)
    return {frozenset(group) for group in groups.values()}


def bylines(db_path: Path) -> set[tuple]:
    return set(query(db_path, """
        SELECT a.canonical_url, b.position, b.role, b.name, b.outlet
        FROM bylines b JOIN articles a ON a.id = b.article_id"""))  # fmt: skip


def crawl_rows(db_path: Path) -> list[dict]:
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM crawls ORDER BY source")]


def assert_same_articles(db_path: Path, reference: Reference) -> None:
    assert articles(db_path) == articles(reference.db_path)
    assert clusters(db_path) == clusters(reference.db_path)
    assert bylines(db_path) == bylines(reference.db_path)


def assert_crawls_finished(db_path: Path) -> list[dict]:
    """One crawls row per source of the campaign, finished; the rows."""
    rows = crawl_rows(db_path)
    assert [row["source"] for row in rows] == SOURCES
    assert {row["status"] for row in rows} == {"finished"}
    return rows


# end to end


@pytest.mark.e2e
@pytest.mark.slow
def test_two_workers_and_an_ingester_archive_what_one_process_does(
    redis_url: str, mirror: MirrorServer, reference: Reference, tmp_path: Path, start: Callable
) -> None:
    db_path = tmp_path / "archive.db"
    assert sorted(seed(redis_url, mirror, db_path)) == SOURCES
    workers = [start(name, *worker_args(redis_url, name, mirror, db_path)) for name in ("w1", "w2")]
    ingester = start("ingest", "ingest", "--cluster", redis_url, "--db", str(db_path))
    deadline = time.monotonic() + DEADLINE_SECONDS
    for worker in workers:
        worker.finish(deadline)
    summary, _ = ingester.finish(deadline)
    assert summary.strip().splitlines()[-1].endswith("(crawl finished)")
    # Per source, what was written, in words: no internal event names.
    assert "new articles" in summary
    assert not {"page_capture", "not_modified", "fetch_error"} & set(
        summary.replace(",", " ").split()
    )

    assert_same_articles(db_path, reference)
    for table in ("skipped_pages", "page_captures"):
        sql = f"SELECT url FROM {table}"
        assert set(query(db_path, sql)) == set(query(reference.db_path, sql)), table
    rows = assert_crawls_finished(db_path)
    assert [[row[c] for c in COUNT_COLUMNS] for row in rows] == [
        [row[c] for c in COUNT_COLUMNS] for row in crawl_rows(reference.db_path)
    ]

    # No page fetched more often than by the single process: once, but for hkcd's search
    # POSTs, one per keyword, which the mirror's log cannot tell apart. Only robots.txt is
    # fetched by each worker that crawls its host (each worker keeps its own robots.txt cache).
    fetched = requests_of(mirror)
    robots = {key: n for key, n in fetched.items() if key[2] == ROBOTS}
    pages = {key: n for key, n in fetched.items() if key[2] != ROBOTS}
    assert pages == {key: n for key, n in reference.requests.items() if key[2] != ROBOTS}
    assert set(robots) == {key for key in reference.requests if key[2] == ROBOTS}
    assert set(robots.values()) <= {1, 2}

    # Each worker wrote WARC files of its own, named by it; the crawls rows list them all.
    warcs = sorted((tmp_path / "warcs").iterdir())
    names = [path.name for path in warcs]
    assert not [name for name in names if name.endswith(OPEN)]
    assert {name.split("-")[2] for name in names} == {"w1", "w2"}
    assert {name.split("-")[1] for name in names} <= set(SOURCES)
    listed = [path for row in rows for path in json.loads(row["warc_files"])]
    assert sorted(tmp_path / path for path in listed) == warcs
    for path in warcs:
        check_warc(path)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
def test_a_killed_workers_pages_are_crawled_by_the_other(
    redis_url: str,
    mirror: MirrorServer,
    reference: Reference,
    db_path: Path,
    start: Callable,
    cluster: Cluster,
) -> None:
    timeout = ["-s", "CLUSTER_WORKER_TIMEOUT=2"]
    ingester = start(
        "ingest", "ingest", "--cluster", redis_url, "--db", str(db_path), "--worker-timeout", "2"
    )
    # The victim, slowed down, runs alone until the mirror has answered it some pages and it
    # holds requests it has not finished with; then the survivor joins.
    victim = start(
        "w1", *worker_args(redis_url, "w1", mirror, db_path), *timeout, "-s", "DOWNLOAD_DELAY=0.5"
    )

    def victim_busy() -> bool:
        pages = sum(n for key, n in requests_of(mirror).items() if key[2] != ROBOTS)
        return pages >= 3 and cluster.claimed().get("w1", 0) > 0

    wait_until(victim_busy, "w1 fetched pages", victim, ingester)
    survivor = start("w2", *worker_args(redis_url, "w2", mirror, db_path), *timeout)
    wait_until(
        lambda: any(field.startswith("w2/") for field in cluster.heartbeats()),
        "w2 started crawling",
        survivor,
        victim,
        ingester,
    )
    assert cluster.claimed().get("w1", 0) > 0  # mid-crawl: what w1 took is not done
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait()

    deadline = time.monotonic() + DEADLINE_SECONDS
    survivor.finish(deadline)
    ingester.finish(deadline)
    assert_same_articles(db_path, reference)
    assert_crawls_finished(db_path)
    code, out, _ = invoke("cluster", "status", "--cluster", redis_url, "--format", "json")
    assert code == 0
    state = json.loads(out)
    assert state["crawl"]["finished"]
    # w1 was judged lost on every source it was crawling (a slow machine may have let it
    # finish a small source before it was killed).
    victim_states = {w["state"] for w in state["workers"] if w["worker"] == "w1"}
    assert "lost" in victim_states and victim_states <= {"lost", "finished"}
    assert {w["state"] for w in state["workers"] if w["worker"] == "w2"} == {"finished"}
    assert {(row["waiting"], row["being_fetched"]) for row in state["sources"]} == {(0, 0)}
    assert state["events_waiting"] == 0
    # The WARC files w1 left open were cut back to their last whole record by the ingester.
    assert not list((db_path.parent / "warcs").glob(f"*{OPEN}"))
    for path in (db_path.parent / "warcs").glob("*-w1-*"):
        check_warc(path)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
def test_a_worker_stopped_early_gives_its_requests_back(
    redis_url: str,
    mirror: MirrorServer,
    reference: Reference,
    db_path: Path,
    start: Callable,
    cluster: Cluster,
) -> None:
    slow = start("w1", *worker_args(redis_url, "w1", mirror, db_path), "-s", "DOWNLOAD_DELAY=0.5")
    wait_until(lambda: cluster.claimed().get("w1", 0) > 0, "w1 took requests", slow)
    slow.process.send_signal(signal.SIGTERM)
    assert slow.process.wait(timeout=DEADLINE_SECONDS) == 1
    assert "Crawl stopped before its end" in slow.output()[1]
    assert cluster.claimed() == {}  # back in the frontier at once, not after a timeout
    assert cluster.frontier_size()

    deadline = time.monotonic() + DEADLINE_SECONDS
    start("w2", *worker_args(redis_url, "w2", mirror, db_path)).finish(deadline)
    start("ingest", "ingest", "--cluster", redis_url, "--db", str(db_path)).finish(deadline)
    assert_same_articles(db_path, reference)
    assert_crawls_finished(db_path)


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
def test_an_ingester_killed_mid_write_loses_nothing(
    redis_url: str,
    mirror: MirrorServer,
    reference: Reference,
    db_path: Path,
    start: Callable,
    cluster: Cluster,
) -> None:
    start("w1", *worker_args(redis_url, "w1", mirror, db_path)).finish(
        time.monotonic() + DEADLINE_SECONDS
    )
    # A killed ingester leaves what it had taken in `ingesting`, some of it written already:
    # here the first ten events, the first of them written (with its crawls row, as the
    # ingester makes it) before the kill.
    taken = [
        cluster.client.lmove(cluster.events_key, cluster.ingesting_key, "LEFT", "RIGHT")
        for _ in range(10)
    ]
    first = json.loads(taken[0])
    archive = Archive.open(db_path)
    crawl_id = archive.start_crawl(
        source=first["source"],
        campaign=CAMPAIGN.name,
        settings={"cluster_crawl": cluster.seeded_crawl()["id"]},
    )
    apply_event(archive, first, crawl_id)
    archive.close()

    code, out, stderr = invoke("ingest", "--cluster", redis_url, "--db", str(db_path))
    assert code == 0, stderr
    assert out.strip().splitlines()[-1].endswith("(crawl finished)")
    assert_same_articles(db_path, reference)
    assert_crawls_finished(db_path)
    assert cluster.events_waiting() == 0


# the commands' refusals


def invoke(*args: str) -> tuple[int, str, str]:
    """Run `archive` in this process: its exit code, stdout and stderr (an uncaught exception,
    which would print a traceback, fails the test)."""
    result = CliRunner().invoke(cli, list(args), prog_name="archive", catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def error_line(stderr: str) -> str:
    """The one error line a refused command ends with (after click's usage, for usage errors)."""
    lines = stderr.strip().splitlines()
    assert lines and lines[-1].startswith("Error: "), stderr
    assert sum(line.startswith("Error") for line in lines) == 1, stderr
    return lines[-1]


UNREACHABLE = "redis://127.0.0.1:1/0"
NOT_REDIS = "http://127.0.0.1:1/0"


@pytest.mark.parametrize(
    "args, message",
    [
        (["crawl", "--cluster", "{redis}", "--worker", "w1", "--db", "{db}"], "nothing is seeded"),
        (["ingest", "--cluster", "{redis}", "--db", "{db}"], "nothing is seeded"),
        (["crawl", "--cluster", UNREACHABLE, "--seed", "--db", "{db}"], "cannot reach Redis at"),
        (["crawl", "--cluster", UNREACHABLE, "--db", "{db}"], "cannot reach Redis at"),
        (["ingest", "--cluster", UNREACHABLE, "--db", "{db}"], "cannot reach Redis at"),
        (["cluster", "status", "--cluster", UNREACHABLE], "cannot reach Redis at"),
        (["crawl", "--cluster", NOT_REDIS, "--seed", "--db", "{db}"], "is no Redis URL"),
        (["ingest", "--cluster", NOT_REDIS, "--db", "{db}"], "is no Redis URL"),
        (["cluster", "status", "--cluster", "127.0.0.1:6379"], "is no Redis URL"),
        (["crawl", "--cluster", "{redis}", "--worker", "w/1", "--db", "{db}"], "worker name 'w/1'"),
        (["crawl", "--cluster", "{redis}", "--worker", "w 1", "--db", "{db}"], "worker name 'w 1'"),
        (["crawl", "--cluster", "{redis}", "--worker", "", "--db", "{db}"], "worker name ''"),
    ],
    ids=[
        "worker-unseeded", "ingest-unseeded", "seed-unreachable", "worker-unreachable",
        "ingest-unreachable", "status-unreachable", "seed-not-redis", "ingest-not-redis",
        "status-not-redis", "worker-slash", "worker-space", "worker-empty",
    ],
)  # fmt: skip
def test_refused_with_one_line_and_exit_1(
    args: list[str], message: str, redis_url: str, db_path: Path, cluster: Cluster
) -> None:
    code, _, stderr = invoke(*[arg.format(redis=redis_url, db=db_path) for arg in args])
    assert code == 1
    assert message in error_line(stderr)
    assert len(stderr.strip().splitlines()) == 1
    assert not list(db_path.parent.glob(f"{db_path.name}*"))  # no archive made, not even its lock
    assert not list(cluster.client.keys("*"))


@pytest.mark.parametrize("args", [["--seed"], ["--worker", "w1"], ["--worker", ""]])
def test_seed_and_worker_without_cluster_are_usage_errors(args: list[str], db_path: Path) -> None:
    code, _, stderr = invoke("crawl", *args, "--db", str(db_path))
    assert code == 2
    assert "Usage: archive crawl" in stderr
    assert error_line(stderr) == "Error: --seed and --worker go with --cluster"


def cluster_status(redis_url: str) -> dict:
    code, out, _ = invoke("cluster", "status", "--cluster", redis_url, "--format", "json")
    assert code == 0
    return json.loads(out)


def frontier(cluster: Cluster) -> dict[bytes, list]:
    """Every request waiting in the frontier, with its priority, by key."""
    keys = cluster.keys("*:requests")
    return {key: cluster.client.zrange(key, 0, -1, withscores=True) for key in keys}


@pytest.mark.e2e
def test_status_shows_the_seeded_frontier_and_seeding_again_is_refused(
    redis_url: str, mirror: MirrorServer, db_path: Path, cluster: Cluster
) -> None:
    seeded = seed(redis_url, mirror, db_path)
    before = cluster_status(redis_url)
    assert before["crawl"]["id"] and not before["crawl"].get("finished")
    assert {row["source"]: row["waiting"] for row in before["sources"]} == seeded
    assert all(seeded.values())
    assert {row["being_fetched"] for row in before["sources"]} == {0}
    assert before["workers"] == [] and before["events_waiting"] == 0
    queued = frontier(cluster)
    assert len(queued) == len(SOURCES)
    code, text, _ = invoke("cluster", "status", "--cluster", redis_url)
    assert code == 0
    assert f"Crawl {before['crawl']['id']} of summit" in text and "(no worker seen yet)" in text

    again = run_archive(
        "crawl", "--cluster", redis_url, "--seed", "--mirror", mirror.url, "--db", str(db_path)
    )
    assert again.returncode == 1
    assert "Traceback" not in again.stderr
    line = error_line(again.stderr)
    assert f"crawl {before['crawl']['id']}" in line and "still running" in line
    assert again.stdout == ""
    assert cluster_status(redis_url) == before
    assert frontier(cluster) == queued
    assert not db_path.exists()  # seeding writes no archive


def test_a_campaigns_cluster_key_is_the_default_cluster(
    redis_url: str, mirror: MirrorServer, db_path: Path, tmp_path: Path
) -> None:
    seeded = seed(redis_url, mirror, db_path)
    campaign = tmp_path / "summit.toml"
    text = DEFAULT_CAMPAIGN.read_text(encoding="utf-8")
    campaign.write_text(f'cluster = "{redis_url}"\n{text}', encoding="utf-8")
    assert load_campaign(campaign).cluster == redis_url
    code, out, _ = invoke("cluster", "status", "--campaign", str(campaign), "--format", "json")
    assert code == 0
    assert {row["source"]: row["waiting"] for row in json.loads(out)["sources"]} == seeded
    code, _, stderr = invoke("cluster", "status")
    assert code == 1
    assert "no cluster: give --cluster" in error_line(stderr)


LISTED_ON_A_WORKER = "--url and --urls go with --cluster --seed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--worker", "w1", "--url", "https://example.org/a"], LISTED_ON_A_WORKER),
        (["--url", "https://example.org/a"], LISTED_ON_A_WORKER),
        (["--seed", "--job-dir", "{tmp}/job"], "--job-dir is for local crawls"),
    ],
    ids=["worker-url", "default-worker-url", "seed-job-dir"],
)  # fmt: skip
def test_what_a_cluster_crawl_refuses(args: list[str], message: str, tmp_path: Path) -> None:
    arguments = [arg.format(tmp=tmp_path) for arg in args]
    code, _, stderr = invoke("crawl", "--cluster", UNREACHABLE, *arguments, "--db", "x.db")
    assert code == 2
    assert message in error_line(stderr)
