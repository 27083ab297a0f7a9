"""The examples of README.md and docs/*.md, read for tests/cli/test_docs.py.

Every example is a fenced block, and its info string says how it is checked:

- ```` ```console ````: `$ archive …` lines (or `$ .venv/bin/archive …`), each followed by its
  output as printed at 100 columns; run against the demo archive and compared line by line.
  A line that is only `…` stands for any number of lines; a line ending in `…` for any line that
  starts with the rest. Words after `console` declare what may vary: `ran=YYYY-MM-DD` (the day
  the output was taken: date-times of that day, compact ones such as 20261206T231513Z, and a
  line's leading HH:MM:SS stand for the run's own times), `speed` (durations such as 8.5s
  or 0:00:11 and rates such as 6.4 pages/s) and `ids` (the number of a `Cluster N` line).
- ```` ```sh ````: commands to type; each `archive …` line is parsed by the real CLI, each
  `make …` line names a target (and variables) of the Makefile, each `scrapy crawl NAME` a
  spider. Other programs are shown, not checked.
- ```` ```text ````: output from somewhere the tests cannot go (live sites, a cluster); its
  `$ archive …` lines are parsed, the rest is shown as printed there.
- ```` ```usage ````: a command's synopsis: `archive COMMAND …` then `[--option VALUE]`s. The
  command and every option must exist, `a|b` must be the option's choices, a literal VALUE
  of an option with a default must be that default, and every option of every command must
  appear in a synopsis.
- ```` ```sql ```` runs on the demo archive (with the archive's SQL functions) and must give
  rows; ```` ```toml ```` is a campaign file and must load.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from crawler.cli import cli

FENCE_REGEX = re.compile(r"^```(\S*)(.*)$")
PROMPT = "$ "
PROGRAMS = ("archive", ".venv/bin/archive")
ANY_LINES = "…"
SPEED_REGEX = re.compile(r"\d+(?:\.\d+)?(?=s\b| pages/s|/s\b)")
DURATION_REGEX = re.compile(r"\b\d+:\d\d:\d\d\b")  # how long a crawl took, H:MM:SS
CLOCK_REGEX = re.compile(r"^\d\d:\d\d:\d\d")
NUMBER = r"\d+(?:\.\d+)?"
# A cluster's id is given in the order a crawl's concurrent sources meet its story.
CLUSTER_ID_REGEX = re.compile(r"(?<=^Cluster )\d+")


@dataclass
class Block:
    """A fenced block: where it starts, its language and flags, its lines."""

    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    flags: list[str]
    lines: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


@dataclass
class Example:
    """One command of a block, as typed (continuations joined), and what the block shows after
    it (console blocks)."""

    block: Block
    line: int
    command: str
    output: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.block.path.name}:{self.line}"

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command, comments=True)


def fenced_blocks(path: Path) -> list[Block]:
    """The ``` fenced blocks of a Markdown file."""
    blocks, current = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE_REGEX.match(line)
        if current is None and fence:
            current = Block(path, number, fence[1], fence[2].split())
        elif current is not None and line.rstrip() == "```":
            blocks.append(current)
            current = None
        elif current is not None:
            current.lines.append(line)
    if current is not None:
        raise ValueError(f"{path.name}:{current.line}: the fence is never closed")
    return blocks


def examples(block: Block) -> Iterator[Example]:
    """The commands of a block: prompted lines of console and text blocks, every line of sh
    blocks (blank and comment lines aside); a line ending in \\ goes on on the next."""
    prompted = block.language in ("console", "text")
    example = None
    lines = iter(enumerate(block.lines, block.line + 1))
    for number, line in lines:
        if prompted and not line.startswith(PROMPT):
            if example is not None:
                example.output.append(line.rstrip())
            continue
        text = line.removeprefix(PROMPT) if prompted else line
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        while text.endswith("\\"):
            text = text[:-1] + next(lines)[1].strip()
        if example is not None:
            yield example
        example = Example(block, number, text.strip())
    if example is not None:
        yield example


def parse_archive(argv: list[str]) -> None:
    """Parse ``archive`` arguments as the real CLI does: click's usage error for an unknown
    command or option, a missing argument, a bad choice or date. A path that must exist is not
    looked for (it names the reader's files)."""
    command, args = cli, list(argv)
    context = click.Context(cli, info_name="archive", **cli.context_settings)
    while isinstance(command, click.Group) and args and not args[0].startswith("-"):
        name, found = args[0], command.get_command(context, args[0])
        if found is None:
            raise click.UsageError(f"no such command {name!r}", context)
        command, args = found, args[1:]
        context = click.Context(found, parent=context, info_name=name)
    try:
        command.parse_args(context, args)  # a group's: --help, --version or nothing
    except click.exceptions.Exit:  # --help, --version
        pass
    except click.BadParameter as error:
        kind = error.param.type if error.param else None
        if not (isinstance(kind, click.Path) and kind.exists):
            raise


def command_of(words: list[str]) -> click.Command:
    """The command (or subcommand) the first of ``words`` name."""
    command, words = cli, list(words)
    while isinstance(command, click.Group):
        found = command.get_command(click.Context(command), words[0]) if words else None
        if found is None:
            raise click.UsageError(f"no such command in {' '.join(words)!r}")
        command, words = found, words[1:]
    return command


@dataclass
class Synopsis:
    """One form of a command in a usage block: the options it names and their values."""

    block: Block
    command: click.Command
    path: str
    options: list[tuple[str, str | None]]


def synopses(block: Block) -> Iterator[Synopsis]:
    """The forms of a usage block: a line starting with `archive` begins one, indented lines go
    on with it."""
    forms: list[str] = []
    for line in block.lines:
        if line.startswith("archive "):
            forms.append(line.removeprefix("archive "))
        elif forms and line.startswith(" "):
            forms[-1] += " " + line.strip()
        elif line.strip():
            raise ValueError(f"{block.where}: not a synopsis line: {line!r}")
    for form in forms:
        words = form.replace("[", " ").replace("]", " ").split()
        command = command_of([w for w in words if not w.startswith("-")])
        yield Synopsis(block, command, command_path(command), list(option_words(words, command)))


def option_words(words: list[str], command: click.Command) -> Iterator[tuple[str, str | None]]:
    """(option, value or None) for each option a synopsis names."""
    flags = {
        name
        for param in command.params
        if isinstance(param, click.Option) and param.is_flag
        for name in param.opts
    }
    for index, word in enumerate(words):
        if not word.startswith("-"):
            continue
        after = words[index + 1] if index + 1 < len(words) else None
        takes_value = word not in flags and after is not None and not after.startswith("-")
        yield word, after if takes_value and after not in ("|", "...") else None


def command_path(command: click.Command) -> str:
    """`archive crawl`, `archive schedule install`: the words that call ``command``."""
    for name, found in cli.commands.items():
        if found is command:
            return f"archive {name}"
        if isinstance(found, click.Group):
            for sub, leaf in found.commands.items():
                if leaf is command:
                    return f"archive {name} {sub}"
    raise LookupError(command.name)


def leaf_commands() -> dict[str, click.Command]:
    """Every command a user runs, by its words (`archive schedule install` …)."""
    leaves = {}
    for name, command in cli.commands.items():
        subs = command.commands if isinstance(command, click.Group) else {"": command}
        for sub, leaf in subs.items():
            leaves[f"archive {name} {sub}".strip()] = leaf
    return leaves


def output_regex(expected: str, flags: list[str]) -> re.Pattern[str]:
    """A doc output line as a regex: its own text, with the parts its block declares variable
    made wildcards (a time keeps its shape), and a final … standing for the rest of the line."""
    ran = next((flag.removeprefix("ran=") for flag in flags if flag.startswith("ran=")), None)
    variable: list[tuple[re.Pattern[str], bool]] = []  # (pattern, keeps its shape)
    if ran:
        day, compact = re.escape(ran), re.escape(ran.replace("-", ""))
        variable += [
            (re.compile(rf"{day}[T ][\d:.]+(?:Z|[+-]\d\d:\d\d)?"), True),
            (re.compile(rf"{compact}T\d{{6}}Z"), True),
            (CLOCK_REGEX, True),
        ]
    if "speed" in flags:
        variable += [(SPEED_REGEX, False), (DURATION_REGEX, True)]
    if "ids" in flags:
        variable.append((CLUSTER_ID_REGEX, False))
    cut = expected.endswith("…")
    text = expected[:-1] if cut else expected
    spans = sorted(
        (*m.span(), keeps) for pattern, keeps in variable for m in pattern.finditer(text)
    )
    regex, at = "", 0
    for start, end, keeps in spans:
        if start < at:
            continue
        wildcard = re.sub(r"\d", r"\\d", re.escape(text[start:end])) if keeps else NUMBER
        regex += re.escape(text[at:start]) + wildcard
        at = end
    regex += re.escape(text[at:]) + (".*" if cut else "")
    return re.compile(regex)


def mismatch(expected: list[str], actual: list[str], flags: list[str]) -> str | None:
    """Where ``actual`` output departs from the ``expected`` lines of a doc, or None."""
    expected = strip_ends(expected)
    actual = strip_ends([line.rstrip() for line in actual])
    if matches(expected, actual, flags):
        return None
    return (
        "the doc shows:\n" + "\n".join(expected) + "\n\nthe command printed:\n" + "\n".join(actual)
    )


def matches(expected: list[str], actual: list[str], flags: list[str]) -> bool:
    """Whether ``actual`` fits ``expected``, where a line `…` takes any number of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == ANY_LINES:
        return any(matches(rest, actual[skip:], flags) for skip in range(len(actual) + 1))
    return (
        bool(actual)
        and output_regex(head, flags).fullmatch(actual[0]) is not None
        and matches(rest, actual[1:], flags)
    )


def strip_ends(lines: list[str]) -> list[str]:
    """``lines`` without blank lines at either end."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines
