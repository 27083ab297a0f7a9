"""Options, parameter types and error handling shared by the `archive` commands."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from crawler.crawl.campaign import DEFAULT_CAMPAIGN
from crawler.errors import ArchiveError


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """--db PATH, defaulting to $ARCHIVE_DB or ./archive.db."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default="archive.db",
        envvar="ARCHIVE_DB",
        show_default=True,
        help="The archive database (or set ARCHIVE_DB).",
    )(function)


def echo_json(value: Any) -> None:
    """Print a value as the JSON meant for programs (UTF-8 as it is, indented)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def campaign_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--campaign FILE, defaulting to campaigns/summit.toml; ``help_text`` says what it is for."""
    return click.option(
        "--campaign",
        "campaign_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=str(DEFAULT_CAMPAIGN),
        show_default=True,
        help=help_text,
    )


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format, the first choice being the default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format; json is meant for programs.",
    )


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date like 2024-08-01", param, ctx)


DATE = DateType()


def parse_setting(values: tuple[str, ...]) -> dict[str, str]:
    """-s NAME=VALUE pairs as a dict; a bad pair is a usage error."""
    settings = {}
    for pair in values:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="-s")
        settings[name] = value
    return settings


def fail(error: ArchiveError) -> None:
    """Turn a library error into a one-line message and a non-zero exit."""
    raise click.ClickException(str(error))


def check_window(since: date | None, until: date | None) -> None:
    """A usage error for --since after --until (a window with no day in it)."""
    if since and until and since > until:
        raise click.BadParameter(
            f"--since {since} is after --until {until}: no day is in that window",
            param_hint="'--since' / '--until'",
        )


def archive_command() -> str:
    """The `archive` command as a user can type it here: ``archive`` when it is on PATH, else
    this installation's script (``.venv/bin/archive``) or ``python -m crawler``."""
    script = Path(sys.executable).with_name("archive")
    found = shutil.which("archive")
    if found and script.is_file() and Path(found).resolve() == script.resolve():
        return "archive"
    if script.is_file():
        return shown_path(script)
    return f"{shown_path(Path(sys.executable))} -m crawler"


def shown_path(path: Path) -> str:
    """``path`` relative to the working folder when it lies below it, else absolute."""
    path = path.absolute()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
