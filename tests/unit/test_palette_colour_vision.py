"""The categorical colours stay apart for colour-blind readers: every pair of colours drawn together in one chart
differs by at least CIEDE2000 10 under simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009,
severity 1.0, in linear RGB) and with normal vision.

Why 10: one CIEDE2000 unit is about a just-noticeable difference between large patches side by side; legend
swatches and thin bar segments are small and seen apart from each other, where differences of a few units are
lost. Palettes built to be told apart at a glance (e.g. Okabe-Ito) keep their pairs above 10 under simulation; the
pairs the issue named (#56B4E9/#88CCEE, #CC79A7/#CC6677, #F0E442/#DDCC77) are below it.
"""
from __future__ import annotations

from itertools import combinations

import pytest

from clusterix_analytics.analytics.portfolio import NO_SECTOR
from clusterix_analytics.figures import portfolio as portfolio_figures
from clusterix_analytics.style import PALETTE

from .._colour_vision import delta_e_2000, difference, hex_to_linear, simulate, to_lab

THRESHOLD = 10.0
VISIONS = (None, "protanopia", "deuteranopia", "tritanopia")


def closest_pair(colours) -> tuple[float, str, str, str | None]:
    return min((difference(a, b, vision), a, b, vision) for a, b in combinations(colours, 2) for vision in VISIONS)


def test_colour_difference_matches_published_ciede2000_pairs():
    # Sharma, Wu & Dalal (2005), table 1: pairs 1, 7 (a hue angle of 0/360) and 17.
    assert delta_e_2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e_2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert delta_e_2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)
    # White is L* 100 with no colour; black L* 0.
    assert to_lab("#FFFFFF") == pytest.approx([100, 0, 0], abs=1e-3)
    assert to_lab("#000000") == pytest.approx([0, 0, 0], abs=1e-9)


def test_simulation_by_hand():
    # Pure red is linear (1, 0, 0), so a protanope sees the first column of Machado's matrix:
    # (0.152286, 0.114503, -0.003882) -> clipped to (0.152286, 0.114503, 0). Encoded with the sRGB curve
    # 1.055 * v ** (1 / 2.4) - 0.055: 0.152286 -> 0.4266 (108.8 of 255), 0.114503 -> 0.3727 (95.0 of 255).
    assert simulate("#FF0000", "protanopia") == pytest.approx([108.8, 95.0, 0.0], abs=0.1)
    # Pure blue for a tritanope: the third column, (-0.178779, 0.147602, 0.303900) -> (0, 0.147602, 0.3039):
    # 0.147602 -> 0.4204 (107.2 of 255), 0.3039 -> 0.5873 (149.8 of 255).
    assert simulate("#0000FF", "tritanopia") == pytest.approx([0.0, 107.2, 149.8], abs=0.1)
    # Every matrix keeps white white (its rows add up to 1).
    for deficiency in VISIONS[1:]:
        assert simulate("#FFFFFF", deficiency) == pytest.approx([255, 255, 255], abs=0.1)
    assert hex_to_linear("#808080") == pytest.approx([0.2159] * 3, abs=1e-4)


def test_the_issues_pairs_are_too_close_for_a_colour_blind_reader():
    # What the test guards against: each named pair falls below the threshold for some reader.
    for a, b in (("#56B4E9", "#88CCEE"), ("#CC79A7", "#CC6677"), ("#F0E442", "#DDCC77")):
        assert min(difference(a, b, vision) for vision in VISIONS) < THRESHOLD, (a, b)


@pytest.mark.parametrize("used", range(2, len(PALETTE) + 1))
def test_the_first_colours_of_the_palette_stay_apart_under_every_simulation(used):
    # A chart with N categories draws PALETTE[:N]; each of them, for every N the palette holds.
    gap, a, b, vision = closest_pair(PALETTE[:used])
    assert gap >= THRESHOLD, f"{a} and {b} are {gap:.1f} apart for {vision or 'normal vision'}"


def test_the_palette_holds_no_colour_twice_and_ends_before_colours_collide():
    assert len(set(PALETTE)) == len(PALETTE) == 8
    # The grey the old palette had ninth: 6.2 from the palette's pink for a deuteranope.
    assert difference("#CC79A7", "#999999", "deuteranopia") == pytest.approx(6.2, abs=0.05)


def test_sectors_beyond_the_palette_repeat_its_colours_with_a_pattern_never_a_near_colour():
    sectors = [f"sector {i:02d}" for i in range(15)] + [NO_SECTOR]
    marks = portfolio_figures.sector_marks(sectors)
    # The ninth sector takes the first colour again, hatched; the one without a sector: light grey, hatched.
    assert marks["sector 00"] == (PALETTE[0], "")
    assert marks["sector 08"] == (PALETTE[0], "x")
    assert marks["sector 14"] == (PALETTE[6], "x")
    assert marks[NO_SECTOR] == (portfolio_figures.GREY, "/")
    # Two sectors with the same pattern are told apart by colour alone: they must stay apart.
    by_pattern: dict[str, list[str]] = {}
    for colour, pattern in marks.values():
        by_pattern.setdefault(pattern, []).append(colour)
    for pattern, colours in by_pattern.items():
        assert len(set(colours)) == len(colours), pattern
        if len(colours) > 1:
            gap, a, b, vision = closest_pair(colours)
            assert gap >= THRESHOLD, f"{a} and {b} ({pattern!r}) are {gap:.1f} apart for {vision}"
    assert len(set(marks.values())) == len(marks)


def test_the_closest_pair_of_the_palette_is_orange_and_pink_for_a_tritanope():
    # The margin the palette has: its closest pair under any simulation.
    gap, a, b, vision = closest_pair(PALETTE)
    assert (a, b, vision) == ("#E69F00", "#CC79A7", "tritanopia")
    assert gap == pytest.approx(10.87, abs=0.01)
