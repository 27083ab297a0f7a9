"""Scheduled crawls: crontab entries, or systemd user timers, that run `archive crawl` for a
campaign at the times its ``schedule`` key gives (cron syntax).

Each entry runs ``archive crawl --campaign FILE --db DB --log-dir DIR`` (absolute paths) from
the folder it was installed in, so every run writes a log file of its own. A crontab entry
carries the comment ``summit-archive campaign=NAME``: installing replaces the campaign's entry
(so install is idempotent) and remove finds it. The systemd pair is
``archive-crawl-NAME.service`` and ``.timer`` in a unit folder (default
``~/.config/systemd/user``); enabling the timer with systemctl is left to the user.

Example::

    entry = install_cron(campaign, crawl_command(campaign, Path("archive.db"), Path("logs")))
    [e.campaign for e in list_cron()]   # ["summit"]
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from crontab import CronTab

from crawler.crawl.campaign import Campaign, check_campaign_name
from crawler.errors import CampaignError, ScheduleError

MARKER = "summit-archive campaign="
UNIT_PREFIX = "archive-crawl-"
DEFAULT_UNIT_DIR = Path("~/.config/systemd/user")
CRON_SPECIALS = {
    "@hourly": "hourly",
    "@daily": "daily",
    "@midnight": "daily",
    "@weekly": "weekly",
    "@monthly": "monthly",
    "@yearly": "yearly",
    "@annually": "yearly",
}
WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
UNIT_KEY_REGEX = re.compile(r"^(X-ArchiveCampaign|X-ArchiveSchedule|ExecStart)=(.*)$", re.M)
# A line break (or any control character) in a path would start a new crontab line or unit key.
CONTROL_REGEX = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ScheduledCrawl:
    """An installed schedule: which campaign, when (cron syntax), what runs, and where it is."""

    campaign: str
    schedule: str
    command: str
    where: str


def crawl_command(campaign: Campaign, db_path: Path, log_dir: Path) -> list[str]:
    """The command a scheduled run executes: this installation's `archive crawl`."""
    if campaign.path is None:
        raise ScheduleError(f"campaign {campaign.name!r} has no file to run")
    executable = Path(sys.executable).with_name("archive")
    program = [str(executable)] if executable.is_file() else [sys.executable, "-m", "crawler"]
    return [
        *program,
        "crawl",
        "--campaign",
        str(campaign.path.resolve()),
        "--db",
        str(db_path.resolve()),
        "--log-dir",
        str(log_dir.resolve()),
    ]


def checked_name(name: str) -> str:
    """A campaign name safe in a crontab comment and a unit file's name (ScheduleError if not)."""
    try:
        return check_campaign_name(name)
    except CampaignError as error:
        raise ScheduleError(str(error)) from error


def _plain(values: list[str]) -> list[str]:
    """``values`` when none holds a control character (a line break would add a line)."""
    for value in values:
        if CONTROL_REGEX.search(value):
            raise ScheduleError(f"cannot schedule a command with a control character: {value!r}")
    return values


def _schedule_of(campaign: Campaign) -> str:
    if not campaign.schedule:
        raise ScheduleError(
            f'{campaign.path}: the campaign has no schedule; add e.g. schedule = "0 6 * * *"'
        )
    return campaign.schedule


# crontab


def open_crontab(tabfile: Path | None = None) -> CronTab:
    """The user's crontab, or the crontab file ``tabfile`` (made when missing)."""
    try:
        if tabfile is None:
            return CronTab(user=True)
        tabfile.touch(exist_ok=True)
        return CronTab(tabfile=str(tabfile))
    except OSError as error:
        where = tabfile or "the user's crontab"
        raise ScheduleError(f"cannot read {where}: {error}; try --systemd") from error


def _write(cron: CronTab, tabfile: Path | None) -> None:
    try:
        cron.write()
    except OSError as error:
        raise ScheduleError(f"cannot write {tabfile or 'the user crontab'}: {error}") from error


def install_cron(
    campaign: Campaign, command: list[str], tabfile: Path | None = None
) -> ScheduledCrawl:
    """Add (or replace) the campaign's crontab entry."""
    schedule = _schedule_of(campaign)
    name = checked_name(campaign.name)
    cwd, *command = _plain([str(Path.cwd()), *command])
    cron = open_crontab(tabfile)
    cron.remove_all(comment=MARKER + name)
    line = f"cd {shlex.quote(cwd)} && {shlex.join(command)}"
    # python-crontab escapes % (which cron reads as a newline) itself, and unescapes on reading.
    job = cron.new(command=line, comment=MARKER + name)
    job.setall(schedule)
    _write(cron, tabfile)
    return ScheduledCrawl(campaign.name, schedule, line, str(tabfile or "user crontab"))


def list_cron(tabfile: Path | None = None) -> list[ScheduledCrawl]:
    """The scheduled crawls in the crontab."""
    return [
        ScheduledCrawl(
            job.comment.removeprefix(MARKER),
            str(job.slices),
            job.command,
            str(tabfile or "user crontab"),
        )
        for job in open_crontab(tabfile)
        if job.comment.startswith(MARKER)
    ]


def remove_cron(name: str, tabfile: Path | None = None) -> None:
    """Remove the campaign's crontab entry; ScheduleError when it has none."""
    name = checked_name(name)
    cron = open_crontab(tabfile)
    if not list(cron.find_comment(MARKER + name)):
        raise ScheduleError(f"no scheduled crawl of campaign {name!r} in {tabfile or 'crontab'}")
    cron.remove_all(comment=MARKER + name)
    _write(cron, tabfile)


# systemd


def unit_paths(name: str, unit_dir: Path) -> tuple[Path, Path]:
    """The .service and .timer files of the campaign ``name``, inside ``unit_dir``."""
    stem = f"{UNIT_PREFIX}{checked_name(name)}"
    folder = unit_dir.expanduser()
    return folder / f"{stem}.service", folder / f"{stem}.timer"


def systemd_quote(value: str) -> str:
    """One ExecStart argument as systemd reads it: double-quoted, with its escapes, specifiers
    (%) and variables ($) taken literally."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("%", "%%").replace("$", "$$") + '"'


def systemd_unquote(line: str) -> str:
    """An ExecStart line written by systemd_quote, back as a shell command to show (a line
    edited by hand into something else is shown as it is)."""
    try:
        args = shlex.split(line)
    except ValueError:
        return line
    return shlex.join(arg.replace("$$", "$").replace("%%", "%") for arg in args)


def install_systemd(
    campaign: Campaign, command: list[str], unit_dir: Path = DEFAULT_UNIT_DIR
) -> ScheduledCrawl:
    """Write (or rewrite) the campaign's .service and .timer files."""
    schedule = _schedule_of(campaign)
    calendar = on_calendar(schedule)
    service, timer = unit_paths(campaign.name, unit_dir)
    cwd, *command = _plain([str(Path.cwd()), *command])
    exec_start = " ".join(map(systemd_quote, command))
    try:
        service.parent.mkdir(parents=True, exist_ok=True)
        service.write_text(
            f"[Unit]\nDescription=archive crawl of campaign {campaign.name}\n"
            f"X-ArchiveCampaign={campaign.name}\n\n"
            f"[Service]\nType=oneshot\nWorkingDirectory={cwd.replace('%', '%%')}\n"
            f"ExecStart={exec_start}\n",
            encoding="utf-8",
        )
        timer.write_text(
            f"[Unit]\nDescription=scheduled archive crawl of campaign {campaign.name}\n"
            f"X-ArchiveCampaign={campaign.name}\nX-ArchiveSchedule={schedule}\n\n"
            f"[Timer]\nOnCalendar={calendar}\nPersistent=true\n\n"
            "[Install]\nWantedBy=timers.target\n",
            encoding="utf-8",
        )
    except OSError as error:
        raise ScheduleError(f"cannot write the units in {unit_dir}: {error}") from error
    return ScheduledCrawl(campaign.name, schedule, shlex.join(command), str(timer))


def list_systemd(unit_dir: Path = DEFAULT_UNIT_DIR) -> list[ScheduledCrawl]:
    """The scheduled crawls whose timers are in ``unit_dir``."""
    found = []
    for timer in sorted(unit_dir.expanduser().glob(f"{UNIT_PREFIX}*.timer")):
        keys = dict(UNIT_KEY_REGEX.findall(timer.read_text(encoding="utf-8")))
        service = timer.with_suffix(".service")
        if service.is_file():
            keys.update(UNIT_KEY_REGEX.findall(service.read_text(encoding="utf-8")))
        name = keys.get("X-ArchiveCampaign", timer.stem.removeprefix(UNIT_PREFIX))
        command = systemd_unquote(keys.get("ExecStart", ""))
        found.append(ScheduledCrawl(name, keys.get("X-ArchiveSchedule", ""), command, str(timer)))
    return found


def remove_systemd(name: str, unit_dir: Path = DEFAULT_UNIT_DIR) -> list[Path]:
    """Delete the campaign's unit files; ScheduleError when there are none."""
    removed = [path for path in unit_paths(name, unit_dir) if path.is_file()]
    if not removed:
        raise ScheduleError(f"no scheduled crawl of campaign {name!r} in {unit_dir}")
    for path in removed:
        path.unlink()
    return removed


def on_calendar(schedule: str) -> str:
    """A cron schedule as a systemd OnCalendar expression.

    Example: ``on_calendar("30 2 * * 1-5") == "Mon..Fri *-*-* 02:30:00"``. Raises ScheduleError
    for what systemd cannot say the same way (a day of the month and of the week together,
    which cron ORs and systemd ANDs; stepped ranges; @reboot).
    """
    text = schedule.strip().lower()
    if text.startswith("@"):
        if text not in CRON_SPECIALS:
            raise ScheduleError(f"{schedule!r} has no systemd timer equivalent; use cron")
        return CRON_SPECIALS[text]
    minute, hour, day, month, weekday = text.split()
    if day != "*" and weekday != "*":
        raise ScheduleError(
            f"{schedule!r}: systemd timers cannot say 'this day of the month or this weekday'; "
            "use cron"
        )
    weekdays = "" if weekday == "*" else _field(weekday, schedule, names=WEEKDAYS) + " "
    month = _field(month, schedule, start=1, aliases=MONTHS)
    day = _field(day, schedule, start=1)
    return f"{weekdays}*-{month}-{day} {_field(hour, schedule)}:{_field(minute, schedule)}:00"


def _field(
    text: str,
    schedule: str,
    *,
    start: int = 0,
    names: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
) -> str:
    """One cron field in systemd's notation (ranges a..b, steps a/n, weekday names)."""
    parts = []
    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and ("-" in base or names):
            raise ScheduleError(f"{schedule!r}: systemd timers have no stepped ranges; use cron")
        if base == "*":
            parts.append(f"{start}/{step}" if step else "*")
            continue
        ends = [_value(end, schedule, names, aliases) for end in base.split("-")]
        parts.append("..".join(ends) + (f"/{step}" if step else ""))
    return ",".join(parts)


def _value(text: str, schedule: str, names: tuple[str, ...], aliases: tuple[str, ...]) -> str:
    """One value of a cron field: a number (zero-padded) or a weekday's or month's name."""
    if text in aliases:
        return f"{aliases.index(text) + 1:02d}"
    if names:
        for number, name in enumerate(names):
            if text in (str(number), name.lower()):
                return name
        raise ScheduleError(f"{schedule!r}: {text!r} is no weekday")
    if not text.isdigit():
        raise ScheduleError(f"{schedule!r}: {text!r} is not a number")
    return f"{int(text):02d}"
