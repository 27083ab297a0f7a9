"""Near-duplicates, reprints and revisions: the hashing on its own, then crawls over HTTP."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from wcwidth import wcswidth

from crawler.dedup import minhash as dedup
from crawler.dedup.diff import diff_summary
from crawler.fetch.mirror import MirrorServer, serve_mirror
from crawler.store import Archive
from tests.helpers import HKCD_RECORD, MIRROR, run_archive

HKCD = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html"
HKCD_SAME_REPORTER = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652302.html"
LOCPG_REPRINT = "https://www.locpg.hk/jsdt/2024-08/30/c_1130081276.htm"
SIMPLIFIED_COPY = "https://www.chinanews.com.cn/ga/2024/08-30/10278123.shtml"
TRIMMED_COPY = "https://www.bastillepost.com/hongkong/article/14297331.html"

PARAGRAPHS = [
    "李家超表示，發展新質生產力是推動科技創新、提升產業競爭力的關鍵所在。",
    "他指出，特區政府正從四個方向加快因地制宜地發展新質生產力，持續加大創新力度。",
    "政府推進新型工業化，帶動傳統製造業利用創新科技向智能化、高端化發展。",
    "香港將形成科技成果轉化的良性循環，實現加速發展新質生產力的願景。",
    "政府全力為創科人才提供更廣闊的創業和就業空間，吸引全球頂尖創新人才。",
]
TEXT = "\n\n".join(PARAGRAPHS)


@pytest.mark.parametrize(
    "copy, at_least",
    [
        (TEXT, 1.0),
        ("\n\n".join(PARAGRAPHS[:4]), 0.7),
        (
            "李家超表示，发展新质生产力是推动科技创新、提升产业竞争力的关键所在。\n\n" + TEXT[36:],
            0.9,
        ),
        ("【本報訊】" + TEXT.replace("。", "！"), 0.8),
    ],
    ids=["same", "trimmed", "simplified", "new-prefix-and-punctuation"],
)
def test_copies_score_high(copy: str, at_least: float) -> None:
    assert dedup.similarity(dedup.signature(TEXT), dedup.signature(copy)) >= at_least


def test_another_article_on_the_same_subject_scores_low() -> None:
    other = (
        "鄭雁雄表示，科技和新質生產力的共通點是創新。香港是信息港，市場嗅覺敏銳，"
        "是發展新質生產力的風向標；香港是國際金融中心，金融與創科緊密聯繫。"
        "推動科技和發展新質生產力結合關鍵在人才，香港人才競爭力排名亞洲第二。"
    )
    assert dedup.similarity(dedup.signature(TEXT), dedup.signature(other)) < 0.2


def test_signatures_stay_comparable_with_stored_ones() -> None:
    # Signatures persist in archives: a change of seed, shingle or hash breaks every stored one
    # (bucket keys are recomputed from them by a migration, as m010 did).
    sig = dedup.signature("新質生產力高峰論壇在香港舉行")
    assert sig[:4].tolist() == [2694938197, 1896827946, 2379166232, 2379166232]
    assert dedup.band_keys(sig)[:2] == [2042984592, 635153005]
    assert len(dedup.band_keys(sig)) == dedup.BANDS


@pytest.mark.parametrize(
    "members, original",
    [
        (
            [
                {
                    "id": "a",
                    "outlet": "中聯辦網站",
                    "original_outlet": "香港商報",
                    "published": "2024-08-30",
                },
                {
                    "id": "b",
                    "outlet": "香港商報",
                    "original_outlet": None,
                    "published": "2024-08-30T04:21",
                },
            ],
            "b",
        ),
        (
            [
                {"id": "a", "outlet": "文匯報", "original_outlet": None, "published": "2024-08-31"},
                {"id": "b", "outlet": "大公報", "original_outlet": None, "published": "2024-08-30"},
            ],
            "b",
        ),
        (
            [
                {"id": "a", "outlet": "點新聞", "original_outlet": None, "published": None},
                {"id": "b", "outlet": "大公報", "original_outlet": None, "published": "2024-09-01"},
            ],
            "b",
        ),
    ],
    ids=["named-by-source-line", "earliest", "undated-last"],
)
def test_cluster_original(members: list[dict], original: str) -> None:
    assert dedup.choose_original(members)["id"] == original


@pytest.mark.parametrize(
    "old, new, summary",
    [
        ("甲\n\n乙\n\n丙", "甲\n\n乙\n\n丙", {"added": 0, "removed": 0, "changed": 0}),
        ("甲\n\n乙", "甲\n\n乙\n\n丙", {"added": 1, "removed": 0, "changed": 0}),
        ("甲\n\n乙\n\n丙", "甲\n\n丙", {"added": 0, "removed": 1, "changed": 0}),
        ("甲\n\n乙\n\n丙", "甲\n\n乙二\n\n丙", {"added": 0, "removed": 0, "changed": 1}),
        ("甲\n\n乙", "丁\n\n戊\n\n己", {"added": 1, "removed": 0, "changed": 2}),
    ],
    ids=["same", "added", "removed", "changed", "rewritten"],
)
def test_diff_summary_counts_paragraphs(old: str, new: str, summary: dict) -> None:
    assert diff_summary(old, new) == summary


def archive_json(*args: str) -> object:
    result = run_archive(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.e2e
def test_reprints_and_copies_cluster_with_the_original_across_crawls(
    mirror: MirrorServer, db_path: Path
) -> None:
    for source in ("hkcd", "locpg"):
        archive_json("crawl", "--source", source, "--mirror", mirror.url, "--db", str(db_path))
    archive_json(
        "crawl",
        "--url",
        SIMPLIFIED_COPY,
        "--url",
        TRIMMED_COPY,
        "--mirror",
        mirror.url,
        "--db",
        str(db_path),
    )
    clusters = archive_json("dupes", "--db", str(db_path))
    by_url = {m["url"]: c for c in clusters for m in c["members"]}
    story = by_url[HKCD]
    assert {m["url"] for m in story["members"]} == {
        HKCD,
        LOCPG_REPRINT,
        SIMPLIFIED_COPY,
        TRIMMED_COPY,
    }
    assert (story["original_outlet"], story["original_title"]) == (
        "香港商報",
        "港府循四大方向 發展新質生產力",
    )
    assert HKCD_SAME_REPORTER not in {m["url"] for m in story["members"]}
    trimmed = next(m for m in story["members"] if m["url"] == TRIMMED_COPY)
    assert 0.5 <= trimmed["similarity"] < 1.0
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count_where("url IN (?, ?)", [HKCD, LOCPG_REPRINT]) == 2


@pytest.mark.e2e
def test_an_edited_article_keeps_its_old_version(tmp_path: Path, db_path: Path) -> None:
    mirror_copy = tmp_path / "mirror"
    shutil.copytree(MIRROR / "www.hkcd.com.hk", mirror_copy / "www.hkcd.com.hk")
    page = mirror_copy / "www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652302.html"
    crawl = ("crawl", "--source", "hkcd", "--db", str(db_path))
    with serve_mirror(mirror_copy) as server:
        first = archive_json(*crawl, "--mirror", server.url)["sources"][0]
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("舉世矚目、舉國關注", "舉世矚目、舉國關注、影響深遠"), "utf-8")
        # Past the refresh interval every page is revalidated: only the edited one comes back.
        second = archive_json(*crawl, "--mirror", server.url, "-s", "REFRESH_INTERVAL=0")
        second = second["sources"][0]
    assert (second["updated"], second["unchanged"]) == (1, 0)
    assert second["not_modified"] == first["new"] - 1 + first["skipped"]
    db = sqlite_utils.Database(db_path)
    revisions = list(db["revisions"].rows)
    assert len(revisions) == 1
    assert "影響深遠" not in revisions[0]["body"]
    assert (revisions[0]["paragraphs_changed"], revisions[0]["paragraphs_added"]) == (1, 0)
    url = "https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652302.html"
    history = archive_json("history", url, "--db", str(db_path))
    assert [v["version"] for v in history["versions"]] == [1, 2]
    assert history["versions"][-1]["current"] is True
    # What changed, line by line: the paragraph before and after, nothing else.
    diff = history["versions"][-1]["diff"]
    removed = [line for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert len(removed) == len(added) == 1
    assert "舉世矚目、舉國關注" in removed[0] and "影響深遠" not in removed[0]
    assert "舉世矚目、舉國關注、影響深遠" in added[0]
    shown = run_archive("history", url, "--db", str(db_path)).stdout
    assert "Version 2, what changed:" in shown
    # The long paragraph is folded to the terminal's width, each piece marked +.
    pieces = [line for line in shown.splitlines() if line.startswith("+")]
    assert "".join(piece[1:] for piece in pieces) == added[0][1:]
    assert max(map(wcswidth, shown.splitlines())) <= 100


def test_history_of_an_unknown_url_says_so(db_path: Path) -> None:
    Archive.open(db_path).close()
    result = run_archive("history", "https://example.org/none.html", "--db", str(db_path))
    assert result.returncode == 1
    assert "no article archived at https://example.org/none.html" in result.stderr


def made_up_text(seed: int, length: int = 300) -> str:
    """Characters drawn from the CJK block: no two stories share more than chance shingles."""
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(length))


def test_dupes_lists_the_largest_clusters_first_and_hides_weak_likeness(db_path: Path) -> None:
    story, pair, weak = made_up_text(1), made_up_text(2), made_up_text(3)
    # A speech and a report on it share a part: three quarters of the text, other words after.
    speech_report = weak[:225] + made_up_text(4, 75)
    assert 0.5 <= dedup.similarity(dedup.signature(weak), dedup.signature(speech_report)) < 0.8
    archive = Archive.open(db_path)
    copies = [(pair, "甲報"), (pair, "乙報"), (story, "甲報"), (story, "乙報"), (story, "丙報"),
              (weak, "甲報"), (speech_report, "丁報")]  # fmt: skip
    for number, (body, outlet) in enumerate(copies):
        url = f"https://news.example.org/{number}.html"
        record = {**HKCD_RECORD, "url": url, "canonical_url": url, "outlet": outlet,
                  "body": body, "content_hash": f"sha256:{number}"}  # fmt: skip
        archive.save_article(record, crawl_id=None, http_status=200, fetched_at="2024-08-30")
    archive.close()
    clusters = archive_json("dupes", "--db", str(db_path))
    assert [cluster["size"] for cluster in clusters] == [3, 2]
    weak_ones = archive_json("dupes", "--min-similarity", "0.5", "--db", str(db_path))
    assert [cluster["size"] for cluster in weak_ones] == [3, 2, 2]
