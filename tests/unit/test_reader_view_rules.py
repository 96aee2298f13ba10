"""The reader-view rules (tests/_reader_view.py) on box dicts worked out by hand, without a browser: which
overlaps count, by how much, which boxes are cut at a figure's edge, which words are raw values, when a page
is too wide."""
from __future__ import annotations

from .._reader_view import (
    RAW_VALUE_WORDS,
    TOLERANCE_PX,
    counts,
    cut_at_edge,
    figure_overlaps,
    legend_scrolls,
    overflow_problems,
    overlap,
    placed_on,
    raw_value_words,
)


def box(kind, name, x0, y0, x1, y1, **more):
    return {"kind": kind, "name": name, "x0": x0, "y0": y0, "x1": x1, "y1": y1, **more}


# One subplot 90–1070 × 110–350 px on a 1100 × 450 px figure (the shape of page 02's indicator charts).
PLOT = box("plot", "plot area xy", 90, 110, 1070, 350, xaxis="x", yaxis="y", domain={"x": [0, 1], "y": [0, 1]})


def test_overlap_is_the_shared_rectangle():
    a = box("legend", "a", 0, 0, 100, 50)
    assert overlap(a, box("title", "b", 90, 40, 300, 60)) == (10, 10)        # corners: 100-90 by 50-40
    assert overlap(a, box("title", "b", 20, 10, 30, 20)) == (10, 10)         # inside: the inner box
    assert overlap(a, box("title", "b", 100, 0, 200, 50)) == (0, 0)          # touching edges share nothing
    assert overlap(a, box("title", "b", 0, 60, 100, 80)) == (0, 0)           # apart


def test_an_overlap_counts_only_beyond_the_tolerance_in_both_directions():
    legend = box("legend", "legend", 0, 0, 100, 50)
    assert TOLERANCE_PX == 3
    # 3 px wide (100 - 97) is a graze, however tall
    assert figure_overlaps({"title": "T", "boxes": [legend, box("title", "t", 97, 0, 300, 50)]}) == []
    # 4 × 4 px counts
    assert figure_overlaps({"title": "T", "boxes": [legend, box("title", "t", 96, 46, 300, 60)]}) == [
        'figure "T": legend "legend" overlaps title "t" by 4 × 4 px']


def test_an_annotation_is_placed_on_a_plot_by_its_own_axes_or_a_paper_anchor_inside():
    lower = {"xaxis": "x2", "yaxis": "y2", "domain": {"x": [0, 1], "y": [0, 0.45]}}
    # its own axes: data, or the axis' domain (a phase label at the top of its plot)
    assert placed_on({"xref": "x2", "yref": "y2", "x": "AT", "y": 3}, lower)
    assert placed_on({"xref": "x2", "yref": "y2 domain", "x": "2019-04-01", "y": 1}, lower)
    # the paper, anchored strictly inside the domain in both directions
    assert placed_on({"xref": "paper", "yref": "paper", "x": 0.5, "y": 0.2}, lower)
    # on the domain's edge (a subplot title at its top, a caption at the bottom) or outside it
    assert not placed_on({"xref": "paper", "yref": "paper", "x": 0.5, "y": 0.45}, lower)
    assert not placed_on({"xref": "paper", "yref": "paper", "x": 0, "y": 0}, lower)
    assert not placed_on({"xref": "paper", "yref": "paper", "x": 0.5, "y": 0.9}, lower)
    # another subplot's axis, in either direction
    assert not placed_on({"xref": "x", "yref": "y", "x": 1, "y": 1}, lower)
    assert not placed_on({"xref": "x2", "yref": "y", "x": 1, "y": 1}, lower)
    # mixed: its own x, the paper in y: the y anchor decides
    assert placed_on({"xref": "x2", "yref": "paper", "x": 1, "y": 0.3}, lower)
    assert not placed_on({"xref": "x2", "yref": "paper", "x": 1, "y": 1.02}, lower)


def test_which_kinds_may_overlap():
    legend, title = box("legend", "l", 0, 0, 1, 1), box("title", "t", 0, 0, 1, 1)
    axis, colorbar = box("axis", "x axis tick labels", 0, 0, 1, 1), box("colorbar", "c", 0, 0, 1, 1)
    caption = box("annotation", "Source", 0, 0, 1, 1, xref="paper", yref="paper", x=0, y=0)
    label = box("annotation", "Phase 1", 0, 0, 1, 1, xref="x", yref="y domain", x="2016-04-01", y=1)
    other_plot = dict(PLOT, name="plot area x2y2", xaxis="x2", yaxis="y2")
    assert [counts(legend, PLOT), counts(colorbar, PLOT), counts(title, legend), counts(caption, PLOT),
            counts(label, caption), counts(axis, caption), counts(axis, legend)] == [True] * 7
    assert [counts(PLOT, other_plot), counts(axis, PLOT), counts(axis, dict(axis)), counts(label, PLOT)] == \
        [False] * 4
    assert counts(label, other_plot)                   # a label of subplot xy over subplot x2y2


def test_an_indicator_chart_finds_its_colliding_labels_only():
    # page 02 as measured: three phase labels on the top of the plot, a target label at its right, the caption
    # below the x axis; the last phase label runs past the plot's right edge into the target label
    phase_1 = box("annotation", "Phase 1", 104, 110, 262, 126, xref="x", yref="y domain", x="2016-04-01", y=1)
    phase_3 = box("annotation", "Additional activities", 898, 110, 1148, 126, xref="x", yref="y domain",
                  x="2021-04-01", y=1)
    target = box("annotation", "target 10 action plans", 942, 110, 1070, 128, xref="x domain", yref="y", x=1,
                 y=10)
    caption = box("annotation", "Demo data", 90, 432, 452, 448, xref="paper", yref="paper", x=0, y=0)
    axis = box("axis", "x axis tick labels", 80, 355, 1080, 372)
    figure = {"title": "Action plans", "width": 1100, "height": 450,
              "boxes": [PLOT, box("title", "Action plans", 0, 15, 706, 34), phase_1, phase_3, target, caption,
                        axis]}
    # shared: x 942–1070 (128 px), y 110–126 (16 px)
    assert figure_overlaps(figure) == [
        'figure "Action plans": annotation "Additional activities" overlaps annotation "target 10 action plans" '
        'by 128 × 16 px']
    # and 1148 - 1100 = 48 px of the phase label are past the figure's right edge
    assert cut_at_edge(figure) == ['figure "Action plans": annotation "Additional activities" is cut off 48 px '
                                   'past the right edge']


def test_a_legend_on_a_map_and_a_caption_under_rotated_labels_are_found():
    # a map: the legend inside the plot at its top left (x 0.01, y 0.99)
    legend = box("legend", "legend", 100, 115, 266, 265)
    region = box("annotation", "VLAIO", 200, 200, 240, 214, xref="x", yref="y", x=3.9e6, y=3.1e6)
    figure = {"title": "Regions", "width": 1100, "height": 600, "boxes": [PLOT, legend, region]}
    # legend ∩ plot: x 100–266 (166), y 115–265 (150); legend ∩ label: x 200–240 (40), y 200–214 (14)
    assert figure_overlaps(figure) == [
        'figure "Regions": plot "plot area xy" overlaps legend "legend" by 166 × 150 px',
        'figure "Regions": legend "legend" overlaps annotation "VLAIO" by 40 × 14 px']
    # a heatmap whose rotated region names (x tick labels) reach down into the demo caption
    ticks = box("axis", "x axis tick labels", 410, 475, 1010, 560)
    caption = box("annotation", "Demo data", 422, 532, 970, 562, xref="paper", yref="paper", x=0, y=0)
    heatmap = {"title": "Portfolios", "width": 1100, "height": 600,
               "boxes": [dict(PLOT, y0=90, y1=470), ticks, caption]}
    # x 422–970 (548), y 532–560 (28)
    assert figure_overlaps(heatmap) == [
        'figure "Portfolios": axis "x axis tick labels" overlaps annotation "Demo data" by 548 × 28 px']


def test_a_box_past_any_edge_is_cut_but_a_plot_area_is_not_judged():
    figure = {"title": "T", "width": 500, "height": 300, "boxes": [
        box("title", "T", -10, 0, 200, 20),            # 10 px past the left
        box("legend", "l", 400, 250, 503, 310),        # 3 px right: within tolerance; 10 px past the bottom
        box("plot", "plot area xy", -50, -50, 600, 400, xaxis="x", yaxis="y", domain={"x": [0, 1], "y": [0, 1]})]}
    assert cut_at_edge(figure) == ['figure "T": title "T" is cut off 10 px past the left edge',
                                   'figure "T": legend "l" is cut off 10 px past the bottom edge']


def test_a_legend_taller_inside_than_shown_scrolls():
    def legend(name, shown, entries):
        return box("legend", name, 0, 0, 100, shown, shown_height=shown, entries_height=entries)

    figure = {"title": "Members", "boxes": [legend("Sector", 270, 330), legend("Phase", 81, 84), PLOT]}
    # 330 > 270 + 3 scrolls; 84 is within 3 px of 81
    assert legend_scrolls(figure) == [
        'figure "Members": legend "Sector" scrolls: its entries are 330 px tall, it shows 270 px']


def test_raw_value_words_are_whole_words_as_written():
    text = ("Budget NaN EUR | ended NaT | owner <NA> | total: None | growth Infinity, -Infinity | nan | undefined\n"
            "None of the partners; none recorded; Nancy; nano; NaNs; Nonetheless; undefinedness; non-NaN-ish")
    assert RAW_VALUE_WORDS.findall(text) == ["NaN", "NaT", "<NA>", "None", "Infinity", "-Infinity", "nan",
                                             "undefined"]
    # each with 15 characters either side ("er's budget is "; the 13 left), white space squeezed
    assert raw_value_words("The partner's budget is NaN EUR in total") == ['"er\'s budget is NaN EUR in total"']
    assert raw_value_words("lead:\n  None") == ['"lead: None"']


def test_a_page_wider_than_its_window_names_what_sticks_out():
    fits = {"viewport": 1280, "scroll_width": 1281, "overflow": []}        # 1 px: rounding, not overflow
    assert overflow_problems(fits) == []
    wide = {"viewport": 1280, "scroll_width": 1460, "overflow": [
        {"element": 'table.dataframe "Region Phase"', "width": 1412, "right": 1460}]}
    assert overflow_problems(wide) == ['page is 1460 px wide in a 1280 px viewport: table.dataframe "Region Phase" '
                                       '(1412 px wide, right edge at 1460 px)']
