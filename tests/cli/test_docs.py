"""The docs keep up with the code: every command, option and setting of ours is documented, once,
and every example in README.md and docs/*.md is checked: commands parsed by the real CLI, the
output shown run against a demo archive, SQL recipes run, campaign files loaded. How a block
says which check it gets is in tests/cli/doc_examples.py."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler import settings
from crawler.cli import cli
from crawler.cli.tables import display_width
from crawler.crawl.campaign import SOURCE_SETTINGS, load_campaign
from crawler.serve.sql_functions import register_sql_functions
from tests.cli.doc_examples import (
    PROGRAMS,
    Block,
    Example,
    Synopsis,
    command_of,
    examples,
    fenced_blocks,
    leaf_commands,
    mismatch,
    parse_archive,
    synopses,
)
from tests.helpers import REPO, archive_argv

README = REPO / "README.md"
DOCS = REPO / "docs"
ARCHITECTURE = (DOCS / "ARCHITECTURE.md").read_text(encoding="utf-8")
READERS = [DOCS / "archivists.md", DOCS / "researchers.md", DOCS / "operators.md"]
PAGES = [README, *sorted(DOCS.glob("*.md"))]
TEXTS = {page: page.read_text(encoding="utf-8") for page in PAGES}
BLOCKS = [block for page in PAGES for block in fenced_blocks(page)]
COMMANDS = [
    example
    for block in BLOCKS
    if block.language in ("console", "sh", "text")
    for example in examples(block)
]
RUN = [block for block in BLOCKS if block.language == "console"]
SYNOPSES = [form for block in BLOCKS if block.language == "usage" for form in synopses(block)]
OUR_PREFIXES = "ARCHIVE|CLUSTER|DEDUP|MIRROR|PROGRESS|REFRESH|REPLAY|RETRY_BACKOFF|UNREACHABLE|WARC"
OUR_SETTINGS = [name for name in vars(settings) if re.match(rf"({OUR_PREFIXES})_", name)]
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")
MAKE_TARGETS = set(re.findall(r"^([a-z][\w-]*):", MAKEFILE, re.M))
MAKE_VARIABLES = set(re.findall(r"^([A-Z_]+) \??=", MAKEFILE, re.M))
SPIDERS = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": settings.SPIDER_MODULES})).list()
KNOWN_LANGUAGES = {"console", "sh", "text", "usage", "sql", "toml"}
INLINE_REGEX = re.compile(r"`(?:\.venv/bin/)?archive ([a-z][^`]*)`")
INLINE = sorted(
    {(page.name, span) for page, text in TEXTS.items() for span in INLINE_REGEX.findall(text)}
)


def ids(items: list[Block] | list[Example]) -> list[str]:
    return [item.where for item in items]


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_one_section(command: str) -> None:
    heading = f"### `archive {command}`"
    assert sum(text.count(heading) for text in TEXTS.values()) == 1


@pytest.mark.parametrize("name", OUR_SETTINGS)
def test_every_setting_of_ours_is_documented(name: str) -> None:
    assert name in (settings.__doc__ or "")
    assert name in ARCHITECTURE


@pytest.mark.parametrize("key", sorted(SOURCE_SETTINGS))
def test_every_source_setting_of_a_campaign_is_documented(key: str) -> None:
    assert f"`{key}`" in TEXTS[DOCS / "archivists.md"]


def test_readme_quick_start_is_two_commands() -> None:
    quick_start = TEXTS[README].split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make crawl" in quick_start and "make test" in quick_start


@pytest.mark.parametrize("page", READERS, ids=lambda page: page.name)
def test_each_readers_page_is_linked_from_the_readme_and_the_others(page: Path) -> None:
    for other in [README, *READERS]:
        if other != page:
            assert f"{page.name})" in TEXTS[other], f"{other.name} does not link to {page.name}"


RULE_REGEX = re.compile(r"-+(?:  +-+)+")


@pytest.mark.parametrize("block", BLOCKS, ids=ids(BLOCKS))
def test_every_block_says_how_it_is_checked(block: Block) -> None:
    assert block.language in KNOWN_LANGUAGES


@pytest.mark.parametrize("example", COMMANDS, ids=ids(COMMANDS))
def test_every_command_shown_parses(example: Example) -> None:
    program, *args = example.argv
    if program in PROGRAMS:
        try:
            parse_archive(args)
        except click.ClickException as error:
            pytest.fail(f"{example.command}: {error.format_message()}")
    elif program == "make":
        assert args, "make needs a target here"
        assert args[0] in MAKE_TARGETS
        assert {arg.split("=")[0] for arg in args[1:]} <= MAKE_VARIABLES
    elif program == "scrapy":
        assert args[:1] == ["crawl"] and args[1] in SPIDERS
    else:
        assert example.block.language == "sh", f"{program}: only `archive` commands are run"


@pytest.mark.parametrize("page, span", INLINE)
def test_every_command_named_in_the_text_exists_with_its_options(page: str, span: str) -> None:
    words = [word for word in span.split() if word not in ("…", "...")]
    if words == [words[0]] and isinstance(cli.commands.get(words[0]), click.Group):
        return  # a group named alone: `archive schedule`
    command = command_of([word for word in words if not word.startswith("-")])
    names = {name for param in command.params for name in param.opts}
    for word in words:
        for option in word.split("=")[0].split("/") if word.startswith("-") else ():
            assert option in names, f"{page}: `archive {span}`: no option {option}"


@pytest.mark.parametrize("form", SYNOPSES, ids=[form.block.where for form in SYNOPSES])
def test_every_synopsis_names_real_options_with_their_choices_and_defaults(form: Synopsis) -> None:
    by_name = {name: param for param in form.command.params for name in param.opts}
    for name, value in form.options:
        param = by_name.get(name)
        assert isinstance(param, click.Option), f"{form.path} has no option {name}"
        if value is None or param.multiple:
            continue
        if isinstance(param.type, click.Choice) and "|" in value:
            assert value.split("|") == list(param.type.choices), f"{form.path} {name}"
        elif value != value.upper() and param.default not in (None, False, ()):
            default = param.default
            same = value == str(default) or _number(value) == _number(default)
            assert same, f"{form.path} {name}: the synopsis says {value}, the default is {default}"


@pytest.mark.parametrize("path, command", sorted(leaf_commands().items()))
def test_every_option_is_in_a_synopsis(path: str, command: click.Command) -> None:
    named = {name for form in SYNOPSES if form.command is command for name, _ in form.options}
    for param in command.params:
        if isinstance(param, click.Option):
            assert named & set(param.opts), f"{path}: {param.opts[0]} is in no synopsis"


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out as the checkout after `make demo`: demo.db and demo-warcs/ made by
    `archive demo`, tests/ and campaigns/ the repository's."""
    folder = tmp_path_factory.mktemp("docs")
    printed = run_shown(["demo"], folder)
    assert (folder / "demo.db").is_file() and "Archive demo.db:" in printed, printed
    for name in ("tests", "campaigns"):
        (folder / name).symlink_to(REPO / name)
    return folder


def run_shown(args: list[str], folder: Path) -> str:
    """What `archive ARGS` prints on a terminal (stdout and stderr as they come) at 100 columns,
    run in ``folder``: in this process through click's runner, or a child process for the
    commands that run Scrapy (its Twisted reactor runs once per process)."""
    env = {"COLUMNS": "100", "ARCHIVE_DB": None}
    if args[:1] in (["crawl"], ["demo"]):
        result = subprocess.run(
            archive_argv(*args),
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            env={**without(os.environ, "ARCHIVE_DB"), "COLUMNS": "100", "PYTHONUNBUFFERED": "1"},
        )
        return result.stdout
    here = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, args, prog_name="archive", env=env)
    finally:
        os.chdir(here)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.output


def without(env: Mapping[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in env.items() if key != name}


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("block", RUN, ids=ids(RUN))
def test_every_output_shown_is_what_the_command_prints(block: Block, demo_folder: Path) -> None:
    """The commands of a block run in order (a later one may read what an earlier wrote)."""
    for example in examples(block):
        program, *args = example.argv
        assert program in PROGRAMS, f"{example.where}: only `archive` commands are run"
        printed = run_shown(args, demo_folder).splitlines()
        problem = mismatch(example.output, printed, block.flags)
        assert problem is None, f"{example.where}: {example.command}\n{problem}"
        too_wide = [line for line in table_lines(printed) if display_width(line) > 100]
        assert not too_wide, f"{example.where}: {example.command}: a table wider than 100 columns"


def table_lines(printed: list[str]) -> list[str]:
    """The lines of the tables in a command's output: from the header above each rule line
    (``----  ------``) to the next blank line."""
    lines, inside = [], False
    for before, line in zip(["", *printed], printed, strict=False):
        if RULE_REGEX.fullmatch(line.strip()):
            inside = True
            lines.append(before)
        inside = inside and bool(line.strip())
        if inside:
            lines.append(line)
    return lines


SQL = [block for block in BLOCKS if block.language == "sql"]


@pytest.mark.e2e
@pytest.mark.parametrize("block", SQL, ids=ids(SQL))
def test_every_sql_recipe_gives_rows_on_the_demo(block: Block, demo_folder: Path) -> None:
    connection = sqlite3.connect(f"file:{demo_folder / 'demo.db'}?mode=ro", uri=True)
    register_sql_functions(connection)
    try:
        rows = connection.execute("\n".join(block.lines)).fetchall()
    finally:
        connection.close()
    assert rows, f"{block.where}: no rows on the demo archive"


TOML = [block for block in BLOCKS if block.language == "toml"]


@pytest.mark.parametrize("block", TOML, ids=ids(TOML))
def test_every_campaign_shown_loads(block: Block, tmp_path: Path) -> None:
    path = tmp_path / "campaign.toml"
    path.write_text("\n".join(block.lines), encoding="utf-8")
    campaign = load_campaign(path)
    assert set(campaign.sources) <= set(SPIDERS)


def _number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None
