"""Scheduled crawls: `archive schedule install|list|remove` with a crontab file or systemd units
in a temporary folder (never the user's own), cron schedules as systemd calendars, and the
per-run log file a scheduled crawl writes."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.crawl.schedule import on_calendar
from crawler.errors import ScheduleError
from crawler.fetch.mirror import MirrorServer
from tests.helpers import REPO, run_archive

SUMMIT = REPO / "campaigns" / "summit.toml"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """A copy of the summit campaign (crawled every morning at six)."""
    path = tmp_path / "summit.toml"
    path.write_text(SUMMIT.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(params=["crontab", "systemd"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """The options that choose a crontab file, or a systemd unit folder, under tmp_path."""
    if request.param == "crontab":
        return ["--crontab", str(tmp_path / "crontab")]
    return ["--systemd", "--unit-dir", str(tmp_path / "units")]


def test_install_then_list_shows_the_entry_and_remove_deletes_it(
    campaign: Path, backend: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "archive.db"
    for _ in range(2):
        result = invoke(
            "schedule", "install", "--campaign", str(campaign), "--db", str(db), *backend
        )
        assert result.exit_code == 0, result.output
    listed = invoke("schedule", "list", *backend, "--format", "json")
    entries = json.loads(listed.output)
    assert [(e["campaign"], e["schedule"]) for e in entries] == [("summit", "0 6 * * *")]
    command = entries[0]["command"]
    assert f"crawl --campaign {campaign} --db {db} --log-dir {tmp_path / 'logs'}" in command
    assert invoke("schedule", "remove", "summit", *backend).exit_code == 0
    assert invoke("schedule", "list", *backend).output.strip() == "No scheduled crawls."


def test_the_crontab_holds_one_marked_line_per_campaign(campaign: Path, tmp_path: Path) -> None:
    tab = tmp_path / "crontab"
    tab.write_text("30 1 * * * /usr/bin/backup\n", encoding="utf-8")
    for _ in range(2):
        invoke("schedule", "install", "--campaign", str(campaign), "--crontab", str(tab))
    lines = tab.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "30 1 * * * /usr/bin/backup"
    ours = [line for line in lines if "# summit-archive campaign=summit" in line]
    assert len(ours) == 1 and ours[0].startswith("0 6 * * * cd ")
    invoke("schedule", "remove", "summit", "--crontab", str(tab))
    assert tab.read_text(encoding="utf-8").splitlines() == ["30 1 * * * /usr/bin/backup"]


def test_systemd_gets_a_service_and_a_timer(campaign: Path, tmp_path: Path) -> None:
    units = tmp_path / "units"
    result = invoke(
        "schedule", "install", "--campaign", str(campaign), "--systemd", "--unit-dir", str(units)
    )
    assert "systemctl --user enable --now archive-crawl-summit.timer" in result.output
    timer = (units / "archive-crawl-summit.timer").read_text(encoding="utf-8")
    service = (units / "archive-crawl-summit.service").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* 06:00:00" in timer and "Persistent=true" in timer
    assert "Type=oneshot" in service and f'"--campaign" "{campaign}"' in service


@pytest.mark.parametrize(
    "schedule, calendar",
    [
        ("0 6 * * *", "*-*-* 06:00:00"),
        ("*/15 * * * *", "*-*-* *:0/15:00"),
        ("30 2 * * 1-5", "Mon..Fri *-*-* 02:30:00"),
        ("0 12 * * sun,6", "Sun,Sat *-*-* 12:00:00"),
        ("0 0 1 */3 *", "*-1/3-01 00:00:00"),
        ("5 4 * jan,jul *", "*-01,07-* 04:05:00"),
        ("0 8,20 * * *", "*-*-* 08,20:00:00"),
        ("@daily", "daily"),
    ],
    ids=[
        "daily",
        "every-15-min",
        "weekdays",
        "weekend-names",
        "quarterly",
        "months",
        "twice",
        "special",
    ],
)
def test_cron_schedules_become_systemd_calendars(schedule: str, calendar: str) -> None:
    assert on_calendar(schedule) == calendar


@pytest.mark.parametrize(
    "schedule",
    ["0 6 1 * 1", "0 1-12/2 * * *", "@reboot"],
    ids=["day-and-weekday", "stepped-range", "reboot"],
)
def test_what_systemd_cannot_say_is_refused(schedule: str) -> None:
    with pytest.raises(ScheduleError, match="use cron"):
        on_calendar(schedule)


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["install", "--campaign", "{plain}"], 1, "the campaign has no schedule"),
        (
            ["install", "--crontab", "tab", "--systemd"],
            2,
            "Use just one of --crontab and --systemd",
        ),
        (["list", "--unit-dir", "units"], 2, "--unit-dir goes with --systemd"),
        (["remove", "summit", "--crontab", "{tab}"], 1, "no scheduled crawl of campaign 'summit'"),
    ],
    ids=["no-schedule", "two-backends", "unit-dir-alone", "nothing-to-remove"],
)
def test_bad_input_gets_one_line_and_a_non_zero_exit(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    plain = tmp_path / "plain.toml"
    plain.write_text('name = "plain"\nsources = ["hkcd"]\n', encoding="utf-8")
    result = invoke("schedule", *[arg.format(tab=tmp_path / "tab", plain=plain) for arg in args])
    assert result.exit_code == code
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.e2e
def test_a_scheduled_run_writes_a_log_file_of_its_own(mirror: MirrorServer, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    result = run_archive(
        "crawl", "--source", "hkcd", "--mirror", mirror.url, "--db", str(tmp_path / "archive.db"),
        "--log-dir", str(logs),
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stdout == ""
    [log] = logs.glob("summit-*.log")
    text = log.read_text(encoding="utf-8")
    assert "hkcd: " in text and "Archive " in text and "INFO" in text


def campaign_named(tmp_path: Path, name: str) -> Path:
    """A scheduled campaign file whose name key is ``name`` (TOML-escaped)."""
    path = tmp_path / "campaign.toml"
    toml_name = json.dumps(name)  # a JSON string is a valid TOML basic string
    path.write_text(
        f'name = {toml_name}\nsources = ["hkcd"]\nschedule = "0 6 * * *"\n', encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    "name",
    [
        "x\n* * * * * touch /tmp/owned",
        "x\nExecStartPre=/bin/sh -c 'touch /tmp/owned'",
        "../../outside",
        "a/b",
        ".hidden",
        "summit campaign",
        "x" * 65,
        "",
    ],
    ids=["cron-newline", "unit-newline", "dot-dot", "slash", "leading-dot", "space", "too-long",
         "empty"],
)  # fmt: skip
def test_unsafe_campaign_names_are_refused_and_nothing_is_written(
    tmp_path: Path, backend: list[str], name: str
) -> None:
    result = invoke("schedule", "install", "--campaign", str(campaign_named(tmp_path, name)),
                    *backend)  # fmt: skip
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "campaign name" in result.output
    assert not (tmp_path / "units").exists()
    assert not (tmp_path / "crontab").exists() or "owned" not in (tmp_path / "crontab").read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["campaign.toml"]


def test_a_name_with_a_dot_is_its_own_campaign(tmp_path: Path, backend: list[str]) -> None:
    for name in ("summit", "summit.v2"):
        install = invoke("schedule", "install", "--campaign", str(campaign_named(tmp_path, name)),
                         *backend)  # fmt: skip
        assert install.exit_code == 0, install.output
    listed = json.loads(invoke("schedule", "list", *backend, "--format", "json").output)
    assert sorted(entry["campaign"] for entry in listed) == ["summit", "summit.v2"]
    assert invoke("schedule", "remove", "summit.v2", *backend).exit_code == 0
    listed = json.loads(invoke("schedule", "list", *backend, "--format", "json").output)
    assert [entry["campaign"] for entry in listed] == ["summit"]


@pytest.mark.parametrize(
    "db_name", ["50%.db", "a b.db", "it's.db", 'quote".db', "$HOME.db", "back\\slash.db"]
)
def test_every_path_is_scheduled_as_written(
    tmp_path: Path, backend: list[str], campaign: Path, db_name: str
) -> None:
    db = tmp_path / db_name
    result = invoke("schedule", "install", "--campaign", str(campaign), "--db", str(db), *backend)
    assert result.exit_code == 0, result.output
    [entry] = json.loads(invoke("schedule", "list", *backend, "--format", "json").output)
    assert shlex.split(entry["command"])[-6:-1] == [
        "--campaign", str(campaign), "--db", str(db), "--log-dir",
    ]  # fmt: skip


def test_the_crontab_escapes_a_percent_sign_once(tmp_path: Path, campaign: Path) -> None:
    tab = tmp_path / "crontab"
    db = tmp_path / "50%.db"
    result = invoke("schedule", "install", "--campaign", str(campaign), "--db", str(db),
                    "--crontab", str(tab))  # fmt: skip
    assert result.exit_code == 0, result.output
    text = tab.read_text(encoding="utf-8")
    assert "50\\%.db" in text and "50\\\\%" not in text


def test_a_path_with_a_line_break_is_refused(tmp_path: Path, backend: list[str]) -> None:
    folder = tmp_path / "two\nlines"
    folder.mkdir()
    campaign = folder / "summit.toml"
    campaign.write_text(SUMMIT.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke("schedule", "install", "--campaign", str(campaign), *backend)
    assert result.exit_code == 1
    assert "control character" in result.output
