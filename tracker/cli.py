"""The `tracker` command: one click group; each stage registers its commands.

Each command is parse -> call the library -> print. Data goes to stdout (JSON with
``--json``), messages to stderr. Exit 0 = ok, 1 = a TrackerError (message says what to
do), 2 = usage error.
"""

from __future__ import annotations

import importlib
import logging

import click

from tracker import __version__

#: Modules that add commands to the group, one per stage.
COMMAND_MODULES: tuple[str, ...] = (
    "tracker._cli_gazetteer",
    "tracker._cli_reports",
    "tracker._cli_control",
    "tracker._cli_territory",
    "tracker._cli_export",
    "tracker._cli_evaluate",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Track territorial control in armed conflicts from news reports, offline."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(main)
