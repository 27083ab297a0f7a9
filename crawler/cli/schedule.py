"""`archive schedule install|list|remove`: crawls that run unattended (crontab or systemd)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from crawler.cli import cli
from crawler.cli.options import campaign_option, db_option, echo_json, fail, format_option
from crawler.cli.tables import echo_table
from crawler.crawl.campaign import load_campaign
from crawler.crawl.schedule import DEFAULT_UNIT_DIR
from crawler.errors import ArchiveError


def backend_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--crontab FILE, or --systemd with --unit-dir DIR."""
    options = [
        click.option(
            "--crontab",
            "tabfile",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A crontab file to use instead of the user's crontab.",
        ),
        click.option("--systemd", is_flag=True, help="A systemd user timer instead of cron."),
        click.option(
            "--unit-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help=f"Where the systemd units go (default {DEFAULT_UNIT_DIR}).",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def check_backend(tabfile: Path | None, systemd: bool, unit_dir: Path | None) -> None:
    """Refuse options that contradict each other."""
    if tabfile and (systemd or unit_dir):
        raise click.UsageError("Use just one of --crontab and --systemd")
    if unit_dir and not systemd:
        raise click.UsageError("--unit-dir goes with --systemd")


@cli.group()
def schedule() -> None:
    """Run a campaign's crawl unattended, at the times its `schedule` key gives (cron syntax).

    Example:

        archive schedule install --campaign campaigns/summit.toml
    """


@schedule.command()
@campaign_option("Campaign file, with its schedule.")
@click.option(
    "--log-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where each run writes its log file (default: logs/ beside the archive).",
)
@backend_options
@db_option
def install(
    campaign_path: Path,
    log_dir: Path | None,
    tabfile: Path | None,
    systemd: bool,
    unit_dir: Path | None,
    db_path: Path,
) -> None:
    """Add the campaign's crawl to the crontab (or write a systemd timer); replaces an earlier one.

    Example:

        archive schedule install --campaign campaigns/summit.toml --db /srv/archive/archive.db
    """
    from crawler.crawl.schedule import crawl_command, install_cron, install_systemd

    check_backend(tabfile, systemd, unit_dir)
    try:
        campaign = load_campaign(campaign_path)
        command = crawl_command(campaign, db_path, log_dir or db_path.resolve().parent / "logs")
        if systemd:
            entry = install_systemd(campaign, command, unit_dir or DEFAULT_UNIT_DIR)
        else:
            entry = install_cron(campaign, command, tabfile)
    except ArchiveError as error:
        fail(error)
    click.echo(f"Scheduled campaign {entry.campaign} ({entry.schedule}) in {entry.where}:")
    click.echo(f"  {entry.command}")
    if systemd:
        click.echo(
            "Enable it with: systemctl --user daemon-reload && "
            f"systemctl --user enable --now {Path(entry.where).name}"
        )


@schedule.command("list")
@backend_options
@format_option("table", "json")
def list_schedules(
    tabfile: Path | None, systemd: bool, unit_dir: Path | None, output_format: str
) -> None:
    """The scheduled crawls: campaign, schedule, command, where.

    Example:

        archive schedule list
    """
    from crawler.crawl.schedule import list_cron, list_systemd

    check_backend(tabfile, systemd, unit_dir)
    try:
        entries = list_systemd(unit_dir or DEFAULT_UNIT_DIR) if systemd else list_cron(tabfile)
    except ArchiveError as error:
        fail(error)
    rows = [asdict(entry) for entry in entries]
    if output_format == "json":
        echo_json(rows)
        return
    echo_table(rows, "No scheduled crawls.")


@schedule.command()
@click.argument("name")
@backend_options
def remove(name: str, tabfile: Path | None, systemd: bool, unit_dir: Path | None) -> None:
    """Remove the scheduled crawl of the campaign NAME (as `archive schedule list` names it).

    Example:

        archive schedule remove summit
    """
    from crawler.crawl.schedule import remove_cron, remove_systemd

    check_backend(tabfile, systemd, unit_dir)
    try:
        if systemd:
            remove_systemd(name, unit_dir or DEFAULT_UNIT_DIR)
        else:
            remove_cron(name, tabfile)
    except ArchiveError as error:
        fail(error)
    click.echo(f"Removed the scheduled crawl of campaign {name}.")
