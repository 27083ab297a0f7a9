"""`archive cluster status`: a cluster crawl's frontier, workers, waiting events and errors."""

from __future__ import annotations

import time
from typing import Any

from crawler.cluster import Cluster, is_silent, redacted


def cluster_status(cluster: Cluster, timeout: float) -> dict[str, Any]:
    """The state of the campaign's cluster crawl, as JSON-ready data."""
    crawl = cluster.crawl()
    now = time.time()
    sources = crawl["sources"] if crawl else []
    counts = cluster.counts()
    workers = []
    for _, beat in sorted(cluster.heartbeats().items()):
        silent = now - beat.get("time", 0)
        state = "silent (lost?)" if is_silent(beat, timeout, now) else beat.get("state", "?")
        workers.append(
            {
                "worker": beat.get("worker"),
                "source": beat.get("source"),
                "host": beat.get("host"),
                "pid": beat.get("pid"),
                "state": state,
                "seconds_since_heard": round(silent, 1),
                "pages": beat.get("pages", 0),
                "queued": beat.get("queued", 0),
                "errors": beat.get("errors", 0),
            }
        )
    return {
        "cluster": redacted(cluster.url),
        "campaign": cluster.campaign,
        "crawl": crawl and {k: v for k, v in crawl.items() if k != "sources"},
        "sources": [
            {
                "source": source,
                "waiting": cluster.frontier_size(source),
                "being_fetched": sum(cluster.claimed(source).values()),
                "seen": cluster.client.scard(cluster.dupefilter_key(source)),
                "articles_ingested": sum(
                    value for name, value in counts.get(source, {}).items() if "articles_" in name
                ),
            }
            for source in sources
        ],
        "workers": workers,
        "events_waiting": cluster.events_waiting(),
        "errors": sum(worker["errors"] for worker in workers),
    }


def status_lines(state: dict[str, Any]) -> list[str]:
    """The status as lines of text."""
    crawl = state["crawl"]
    if not crawl:
        return [f"Nothing seeded at {state['cluster']} for campaign {state['campaign']}."]
    finished = f", finished {crawl['finished']}" if crawl.get("finished") else ", running"
    window = f"{crawl.get('since') or '…'} to {crawl.get('until') or '…'}"
    lines = [f"Crawl {crawl['id']} of {state['campaign']} ({window}){finished}", ""]
    lines.append(f"{'source':<12} {'waiting':>8} {'fetching':>8} {'seen':>8} {'ingested':>8}")
    for row in state["sources"]:
        lines.append(
            f"{row['source']:<12} {row['waiting']:>8} {row['being_fetched']:>8} "
            f"{row['seen']:>8} {row['articles_ingested']:>8}"
        )
    lines += ["", f"{'worker':<24} {'state':<16} {'heard':>8} {'pages':>6} {'queued':>6} errors"]
    for worker in state["workers"]:
        name = f"{worker['worker']}/{worker['source']}"
        lines.append(
            f"{name:<24} {worker['state']:<16} {worker['seconds_since_heard']:>7.0f}s "
            f"{worker['pages']:>6} {worker['queued']:>6} {worker['errors']}"
        )
    if not state["workers"]:
        lines.append("(no worker seen yet)")
    lines += ["", f"Events waiting for `archive ingest`: {state['events_waiting']}"]
    lines.append(f"Fetch errors: {state['errors']}")
    return lines
