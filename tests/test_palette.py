"""One actor palette for the PNG maps and the HTML map / exports."""

from __future__ import annotations

from tracker import export, palette, render
from tracker.model import ACTORS


def test_every_canonical_actor_has_one_colour_and_name() -> None:
    assert set(palette.ACTOR_COLORS) == set(ACTORS)
    assert "opposition" in palette.ACTOR_COLORS
    assert len(set(palette.ACTOR_COLORS.values())) == len(ACTORS)  # no two actors alike
    assert palette.actor_name("opposition").startswith("Opposition")


def test_png_and_html_maps_use_the_same_palette() -> None:
    assert render.ACTOR_COLORS is export.ACTOR_COLORS is palette.ACTOR_COLORS
    for actor in ACTORS:
        assert render.actor_color(actor) == export.actor_color(actor)
    assert export.actor_color("someone-else") == palette.OTHER_COLOR
    assert export.actor_color(None) == palette.ACTOR_COLORS["unknown"]
