"""Where things live: the claim store, the gazetteer cache, the bundled data.

Only `cli.py` and the I/O modules read these; pure functions take keyword arguments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Bundled data shipped with the package: actor lexicon, sample corpus, source table.
DATA_DIR = PACKAGE_DIR / "data"
#: The committed national gazetteer (top-level `gazetteer/` of the repository).
BUNDLED_GAZETTEER_DIR = PACKAGE_DIR.parent / "gazetteer"
#: The bundled sample corpus (`make demo` ingests it).
SAMPLE_DIR = DATA_DIR / "sample"


def _default_cache() -> Path:
    env = os.environ.get("TRACKER_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tracker"


def _default_store() -> Path:
    return Path(os.environ.get("TRACKER_STORE", "tracker.db"))


@dataclass(frozen=True, slots=True)
class Settings:
    """Run-time locations.

    Fields
    ------
    store
        The SQLite claim store: `--store`, else `$TRACKER_STORE`, else ``./tracker.db``.
    cache_dir
        Where `tracker gazetteer import` keeps the national index: `$TRACKER_CACHE`,
        else ``$XDG_CACHE_HOME/tracker``, else ``~/.cache/tracker``.
    gazetteer_dir
        The bundled national gazetteer (``gazetteer/`` in the repository).
    """

    store: Path = field(default_factory=_default_store)
    cache_dir: Path = field(default_factory=_default_cache)
    gazetteer_dir: Path = BUNDLED_GAZETTEER_DIR
