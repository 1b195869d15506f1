"""The one actor palette: colours and legend names of the canonical actors (pure data).

Used by the PNG/SVG maps (`tracker.render`) and the HTML map and exports
(`tracker.export`), so an actor has the same colour everywhere.
"""

from __future__ import annotations

from tracker.model import ACTORS

__all__ = ["ACTOR_COLORS", "ACTOR_NAMES", "OTHER_COLOR", "actor_color", "actor_name"]

#: Conventional actor colours (one per canonical actor id of `tracker.model.ACTORS`).
ACTOR_COLORS: dict[str, str] = {
    "isis": "#262626",
    "sdf": "#f5c518",
    "government": "#d62728",
    "opposition": "#8c564b",
    "hts": "#2e8b3a",
    "sna": "#9fd98b",
    "turkey": "#b8e6a0",
    "coalition": "#2b6cb0",
    "unknown": "#c8c8c8",
}
#: Colour of an actor id that is not canonical (a user's own actor file).
OTHER_COLOR = "#7f7f7f"
#: Legend names of the actors.
ACTOR_NAMES: dict[str, str] = {
    "isis": "ISIS",
    "sdf": "SDF",
    "government": "Syrian government",
    "opposition": "Opposition (non-HTS rebels)",
    "hts": "HTS",
    "sna": "SNA (Turkish-backed)",
    "turkey": "Turkey",
    "coalition": "Coalition",
    "unknown": "Unknown",
}
assert set(ACTOR_COLORS) == set(ACTORS) == set(ACTOR_NAMES), "one colour per canonical actor"


def actor_color(actor: str | None) -> str:
    """The colour of an actor: its own, grey for ``unknown``/None, mid grey for others."""
    if actor is None:
        return ACTOR_COLORS["unknown"]
    return ACTOR_COLORS.get(actor, OTHER_COLOR)


def actor_name(actor: str) -> str:
    """The legend name of an actor (its id when it has none)."""
    return ACTOR_NAMES.get(actor, actor)
