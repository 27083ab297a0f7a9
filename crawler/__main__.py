"""`python -m crawler` runs the `archive` command."""

from crawler.cli import cli

if __name__ == "__main__":
    cli(prog_name="archive")
