"""Private output helpers shared by the writers: nothing half-written, clear errors."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.errors import OutputError

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV cell that a spreadsheet will not run: text starting with ``= + - @``, a tab or
    a carriage return gets a leading ``'`` (OWASP's advice); numbers and other text pass.

    Report file names, gazetteer names and analyst notes are untrusted text: a name such as
    ``=HYPERLINK(...)`` would otherwise run when a CSV export is opened in a spreadsheet.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_unsafe(value: str) -> str:
    """The cell `csv_safe` was given: a leading ``'`` before a formula character is dropped
    (so a CSV this tool wrote reads back as it was)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def new_file_mode() -> int:
    """The mode a newly created file gets under the process umask (0o666 & ~umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_target(path: Path, *, overwrite: bool) -> Path:
    """`path` as the folder it goes into, refusing a missing folder or an existing file.

    Raises
    ------
    OutputError
        When the directory does not exist, or `path` exists and `overwrite` is False.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        msg = f"{path}: the directory {parent} does not exist; create it or pick another path"
        raise OutputError(msg)
    if path.exists() and not overwrite:
        msg = f"{path} already exists; pass --overwrite or pick another path"
        raise OutputError(msg)
    return parent


@contextmanager
def atomic_path(path: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """A temporary path beside `path`, renamed onto it when the block succeeds.

    The temporary file is removed whatever happens, so a failure (or Ctrl-C) never
    leaves a half-written output or replaces an existing one.

    Raises
    ------
    OutputError
        When the directory does not exist or is not writable, or `path` exists and
        `overwrite` is False.
    """
    path = Path(path)
    parent = check_target(path, overwrite=overwrite)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=parent, prefix=f".{path.stem}.", suffix=path.suffix)
        os.close(fd)
    except OSError as err:
        msg = f"{path}: cannot write in {parent} ({err.strerror}); pick a writable path"
        raise OutputError(msg) from err
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, new_file_mode())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except OSError as err:
        msg = f"{path}: cannot write ({err.strerror or err}); pick a writable path"
        raise OutputError(msg) from err
    finally:
        if tmp.exists():
            tmp.unlink()
