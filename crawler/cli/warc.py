"""`archive import-warc` and `archive capture`: WARC captures into the archive, and back out."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli import cli
from crawler.cli.options import campaign_option, db_option, echo_json, fail, format_option
from crawler.crawl.campaign import load_campaign
from crawler.errors import ArchiveError

OUTCOMES = ("new", "updated", "unchanged", "duplicate")


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@campaign_option("Campaign whose keywords and date window an article must meet.")
@db_option
@format_option("text", "json")
def import_warc(
    files: tuple[Path, ...], campaign_path: Path, db_path: Path, output_format: str
) -> None:
    """Import the article pages of WARC, ARC or WACZ files (or folders of them, or - for
    standard input) made by any crawler.

    Each HTML capture goes through the crawl's own extraction, normaliser, campaign filter and
    deduplication, with its capture time as the fetch time. Revisit records are read as the
    capture they refer to; other media types, pages that are not articles and oversized
    payloads are skipped (counted, and kept in skipped_pages with the reason). A damaged
    record is reported with its file and offset, and the rest is read. Standard input is kept
    beside the archive (warcs/stdin-TIME.warc.gz), where its captures are read back from.

    Example:

        archive import-warc collections/summit/archive/ --db archive.db
    """
    import tempfile

    from crawler.store import Archive
    from crawler.warc.importer import check_source, import_warcs
    from crawler.warc.sources import expand_sources, keep_spooled

    try:
        campaign = load_campaign(campaign_path)
        with tempfile.TemporaryDirectory(prefix="import-warc-") as spool:
            sources = expand_sources(list(files), Path(spool))
            # Every source is checked before the archive is opened: a failed import leaves
            # no new archive.db behind.
            for source in sources:
                check_source(source)
            archive = Archive.open(db_path)
            try:
                warcs = Path(db_path).parent / "warcs"
                sources = [keep_spooled(source, warcs) for source in sources]
                report = import_warcs(sources, archive, campaign, db_path=db_path)
            finally:
                archive.close()
    except ArchiveError as error:
        fail(error)
    if output_format == "json":
        summary = {
            "db": str(db_path),
            "crawl_id": report.crawl_id,
            "files": report.files,
            "captures": report.captures,
            **{outcome: report.outcomes[outcome] for outcome in OUTCOMES},
            "skipped": dict(report.skipped),
            "damaged": report.damaged,
        }
        echo_json(summary)
        return
    outcomes = report.outcomes
    click.echo(
        f"Imported {report.files} WARC files ({report.captures} captures) into {db_path}: "
        f"{outcomes['new']} new, {outcomes['updated']} updated, "
        f"{outcomes['unchanged']} unchanged, {outcomes['duplicate']} duplicate, "
        f"{sum(report.skipped.values())} skipped"
    )
    for reason, count in report.skipped.most_common():
        click.echo(f"  skipped, {reason}: {count}")


@cli.command()
@click.argument("url")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--record",
    is_flag=True,
    help="Write the WARC records as stored: warcinfo, response, request, metadata (a .warc.gz).",
)
@db_option
def capture(url: str, output: Path | None, record: bool, db_path: Path) -> None:
    """Write out the captured bytes of the article at URL, from the WARC file they are in.

    By default the page as served (its body); with --record the WARC records themselves (the
    file's warcinfo, the response and its request and metadata records, as stored), which
    `warcio` and replay tools read as a WARC file.

    Example:

        archive capture -o page.html https://www.hkcd.com.hk/hkcdweb/content/2024/08/30/content_8652301.html
    """
    from crawler.store.records import capture_location, open_readonly
    from crawler.warc.capture import resolve_path
    from crawler.warc.reader import read_capture, read_record_as_warc

    try:
        found = capture_location(open_readonly(db_path), url)
        if found is None:
            raise ArchiveError(f"no article archived at {url}")
        if not found["warc_file"]:
            raise ArchiveError(
                f"{url} was archived with no WARC capture to point at (WARC_ENABLED was off, "
                "or it was imported from a WACZ that compresses its WARCs)"
            )
        path = resolve_path(found["warc_file"], db_path)
        offset = found["warc_offset"]
        if record:
            data = read_record_as_warc(path, offset, found["warc_length"])
        else:
            data = read_capture(path, offset).body
    except ArchiveError as error:
        fail(error)
    try:
        with click.open_file(str(output) if output else "-", "wb") as out:
            out.write(data)
    except OSError as error:
        fail(ArchiveError(f"cannot write {output}: {error.strerror or error}"))
    click.echo(f"{found['url']}: {len(data)} bytes from {found['warc_file']}@{offset}", err=True)
