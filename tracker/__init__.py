"""tracker: territorial control from news reports, offline.

Reports in (Arabic first, English too), dated control claims out, resolved against a
local gazetteer, kept in a time-indexed control layer, rendered as maps and exported.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger("tracker").addHandler(logging.NullHandler())

__all__ = ["__version__"]
