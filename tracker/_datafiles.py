"""Private helpers for the user-extensible data files (phrases, words, actors).

Each of these files is read one record a line; a problem names the file and the line and
says what to write instead, as an `InputError`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tracker.errors import InputError

__all__ = ["csv_fields", "csv_line", "from_env", "read_text"]


def read_text(path: Path, what: str, env_var: str | None = None) -> str:
    """The text of a data file (UTF-8, a byte-order mark allowed).

    Raises `InputError` naming the file (and, for bytes that are not UTF-8, the line and
    column) when it cannot be read or decoded; `env_var` is named in the advice when the
    file came from the environment.
    """
    named = f" (named by ${env_var})" if env_var else ""
    try:
        data = path.read_bytes()
    except OSError as err:
        msg = (f"cannot read the {what}{named}: {err.strerror or err}; check the path"
               + (f" or take it out of ${env_var}" if env_var else ""))
        raise InputError(msg, path=str(path)) from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        msg = (f"byte 0x{data[err.start]:02x} at column {column} is not UTF-8; the {what}"
               f"{named} must be UTF-8 text (re-save it as UTF-8, e.g. `iconv -f cp1256 -t "
               "utf-8`)")
        raise InputError(msg, path=str(path), line=line) from err


def csv_line(line: str, where: str, columns: tuple[str, ...], *, least: int) -> list[str]:
    """One CSV record of one line, checked: between `least` and ``len(columns)`` fields.

    `where` is ``file:line``. A quote left open, a stray character after a closing quote, or
    a wrong number of fields raises `InputError` saying what to write.
    """
    row = csv_fields(line, where)
    if not least <= len(row) <= len(columns):
        want = (f"{len(columns)}" if least == len(columns)
                else f"{least} to {len(columns)}")
        fields = "field" if len(row) == 1 else "fields"
        msg = (f"{where}: {len(row)} {fields}, expected {want} ({','.join(columns)}); quote "
               "a field that holds a comma")
        raise InputError(msg)
    return row


def csv_fields(line: str, where: str) -> list[str]:
    """The fields of one CSV line; a quote left open or a stray quote raises `InputError`."""
    try:
        return next(csv.reader([line], strict=True))
    except csv.Error as err:
        if "unexpected end of data" in str(err):
            msg = (f"{where}: a quote (\") opens a field that is not closed on this line; close "
                   'it, or double a quote inside a quoted field ("")')
        else:
            msg = (f"{where}: not a CSV row ({err}); a quoted field must end with its closing "
                   "quote right before the comma")
        raise InputError(msg) from err


def from_env(err: InputError, env_var: str) -> InputError:
    """The same error with the advice to fix the file or take it out of `env_var`."""
    msg = f"{err} (this file is named by ${env_var}: fix the line, or take the file out of it)"
    new = InputError(msg)
    new.path, new.line = err.path, err.line
    return new
