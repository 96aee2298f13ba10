"""Text printed on coloured fills (bar labels, heatmap cells) stays readable: WCAG contrast, not guesswork."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from clusterix_analytics.figures.theme import SEQUENTIAL, apply_theme, contrast_ratio, label_colour
from clusterix_analytics.style import PALETTE


def test_contrast_ratio_is_wcags():
    # #767676 is the classic grey at 4.54 : 1 on white; #777777 falls just short of AA (4.48)
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert contrast_ratio("#ffffff", "#767676") == contrast_ratio("#767676", "#ffffff")


def test_the_label_colour_reaches_aa_on_every_fill_the_figures_use():
    # mid-blue rgb(66,146,198): white 3.41 : 1, black 6.16 : 1 → black (plotly's white/#444 pick gives 3.4)
    assert label_colour("rgb(66, 146, 198)") == "#000000"
    assert label_colour("#08306b") == "#ffffff" and label_colour("#f7fbff") == "#000000"
    fills = list(PALETTE) + sample_colorscale(SEQUENTIAL, [i / 100 for i in range(101)])
    worst = min(contrast_ratio(fill, label_colour(fill)) for fill in fills)
    assert worst >= 4.5, worst          # the sequential scale's hardest fill still gives 4.6 : 1


def test_the_theme_colours_labels_inside_bars_by_their_fill_and_halos_heatmap_labels():
    fig = go.Figure([go.Bar(x=[1, 2], y=["a", "b"], orientation="h", text=["1", "2"], textposition="auto",
                            marker_color=PALETTE[0]),
                     go.Bar(x=[1, 2], y=["a", "b"], text=["1", "2"], marker_color=["#E69F00", "#882255"]),
                     go.Bar(x=[1], y=["a"], text=["1"], textposition="outside", marker_color="#000000"),
                     go.Heatmap(z=[[0, 1]], text=[["0", "1"]], texttemplate="%{text}")])
    apply_theme(fig, "t")
    assert fig.data[0].insidetextfont.color == "#ffffff"                 # #0072B2: white 5.19, black 4.05
    assert list(fig.data[1].insidetextfont.color) == ["#000000", "#ffffff"]
    assert fig.data[2].insidetextfont.color is None                      # label outside the bar: page colour
    assert fig.data[3].textfont.shadow == "auto"


def test_status_badges_on_the_index_are_labelled_black_or_white_by_contrast():
    from clusterix_analytics.reports.templates import stylesheet, theme
    from clusterix_analytics.style import STATUS

    tokens = theme()
    # ok is green #009E73: white 3.42 : 1 (below AA), black 6.14 : 1 → black; failed #D55E00 → black (5.43 : 1)
    assert tokens["status-ok-label"] == "#000000" and tokens["status-failed-label"] == "#000000"
    for status, colour in STATUS.items():
        assert contrast_ratio(colour, tokens[f"status-{status}-label"]) >= 4.5, status
        assert (f"span.run-{status}{{background:var(--cx-status-{status});"
                f"color:var(--cx-status-{status}-label)}}") in stylesheet()
