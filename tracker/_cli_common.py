"""Option decorators and helpers shared by the command modules."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tracker.errors import TrackerError
from tracker.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


class DateParam(click.ParamType):
    """An ISO ``YYYY-MM-DD`` date on the command line."""

    name = "YYYY-MM-DD"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            msg = f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2018-12-27"
            self.fail(msg, param, ctx)


DATE = DateParam()


def json_opt(f: F) -> F:
    """``--json``: print one JSON document on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(f)


def store_opt(f: F) -> F:
    """``--store PATH``: the claim store (default $TRACKER_STORE or ./tracker.db)."""
    return click.option(
        "--store",
        "store",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Claim store (SQLite). Default: $TRACKER_STORE or ./tracker.db.",
    )(f)


def overwrite_opt(f: F) -> F:
    """``--overwrite``: replace existing output files (every writing command refuses them
    without it)."""
    return click.option("--overwrite", is_flag=True,
                        help="Replace existing output files (refused without it).")(f)


def yes_opt(f: F) -> F:
    """``--yes``: go ahead with a very long date series."""
    return click.option("--yes", "yes", is_flag=True,
                        help="Go ahead with a series of more frames than the limit "
                             "($TRACKER_MAX_FRAMES, default 1000).")(f)


def in_opt(f: F) -> F:
    """``--in ADMIN_OR_PLACE``: the context used to resolve place names."""
    return click.option(
        "--in",
        "within",
        default=None,
        metavar="ADMIN_OR_PLACE",
        help="Governorate, district, sub-district or place that narrows the search.",
    )(f)


def settings_for(store: Path | None = None) -> Settings:
    """Settings with the --store override applied."""
    s = Settings()
    if store is not None:
        s = Settings(store=store, cache_dir=s.cache_dir, gazetteer_dir=s.gazetteer_dir)
    return s


def echo_json(doc: Any) -> None:
    """Print one JSON document (UTF-8, Arabic kept readable)."""
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


def fail(err: TrackerError) -> click.ClickException:
    """Turn a TrackerError into a ClickException (exit 1, message on stderr)."""
    return click.ClickException(str(err))


def warn(message: str) -> None:
    """A line on stderr."""
    click.echo(message, err=True)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
