"""One exception tree for everything tracker raises on purpose, plus warning classes.

Every error mixes in the builtin a generic caller would catch, carries its data as
attributes, and says in its message what the user can do about it.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Root of every error tracker raises on purpose."""


class InputError(TrackerError, ValueError):
    """A file or value given by the user cannot be read; names the file/line/value."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class GazetteerError(TrackerError, ValueError):
    """A gazetteer source is corrupt, truncated, of the wrong format, or missing."""


class UnknownPlaceError(TrackerError, LookupError):
    """A place name or id matches nothing in the gazetteer."""

    def __init__(self, name: str, candidates: tuple[str, ...] = ()) -> None:
        hint = f" Closest: {', '.join(candidates)}." if candidates else ""
        msg = (
            f"No place matches {name!r}.{hint} Check the spelling, try `tracker gazetteer "
            "search`, or import a fuller gazetteer with `tracker gazetteer import`."
        )
        super().__init__(msg)
        self.name = name
        self.candidates = candidates


class AmbiguousPlaceError(TrackerError, LookupError):
    """A place name matches several places and the context does not decide."""

    def __init__(self, name: str, candidates: tuple[str, ...]) -> None:
        msg = (
            f"{name!r} matches {len(candidates)} places: {', '.join(candidates)}. "
            "Give a governorate or district with --in, or use a place id."
        )
        super().__init__(msg)
        self.name = name
        self.candidates = candidates


class UnknownActorError(TrackerError, LookupError):
    """An actor id or name is not in the actor lexicon."""


class StoreError(TrackerError, RuntimeError):
    """The claim store cannot be opened, migrated or written."""


class StoreReadOnlyError(StoreError):
    """The claim store (or its folder) cannot be written: queries work, writes are refused."""


class StoreDamagedError(StoreError):
    """The claim store is damaged (SQLite finds it malformed or truncated); nothing is written."""


class TimelineError(TrackerError, ValueError):
    """A control-layer query cannot be answered as asked (e.g. bad date range)."""


class OutputError(TrackerError, OSError):
    """An output file cannot be written (exists without --overwrite, unwritable path)."""


class DateWarning(UserWarning):
    """A date expression is inconsistent (e.g. weekday contradicts the date beside it)."""


class ConflictingReportsWarning(UserWarning):
    """Two reports disagree about who held a place on the same day."""
