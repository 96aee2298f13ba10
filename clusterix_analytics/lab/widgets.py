"""Interactive controls for notebooks opened in JupyterLab: dropdowns that redraw a figure in place.

A notebook's parameters cell drives it under papermill (reports, tests); a researcher in JupyterLab also gets
dropdowns for the main parameters (partner, phase, indicator) above a figure that redraws in place. Under
papermill (:func:`clusterix_analytics.notebook.under_papermill`) :func:`explore` shows nothing and returns None,
so no widget ever reaches a report.

In a notebook, a cell of its own right after the cell that shows the static figure (the report keeps that one):

    explorer = widgets.explore(
        lambda partner, phase: some_figures.some_chart(table, partner=partner, phase=phase),
        partner=widgets.partner_options(ds), phase=widgets.phase_options(ds),
        start=view.explorer_start(partner, phase),   # another choice than the static figure above
        title="Explore: another partner or phase")

The explorer's first view differs from the static figure right above it (the view's ``explorer_start`` picks
another choice): opened on the same values, JupyterLab would show one figure twice. The static figure stays,
because it is what a report keeps (the explorer shows nothing there).

>>> import plotly.graph_objects as go
>>> from clusterix_analytics.lab import widgets
>>> def bars(colour):
...     return go.Figure(go.Bar(x=["a", "b"], y=[1, 2], marker_color=colour), layout_title_text=colour)
>>> explorer = widgets.explore(bars, colour=["teal", "orange"], display_now=False)
>>> explorer.set(colour="orange").figure.layout.title.text
'orange'
"""
from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from clusterix_analytics.data.dataset import Dataset
from clusterix_analytics.data.names import country_name, partner_names
from clusterix_analytics.lab.notebook import under_papermill

# The value every notebook parameter uses for "no filter" (partner="all", phase="all").
ALL = "all"

Options = Sequence[Any] | Mapping[str, Any]


def partner_options(ds: Dataset, include_all: bool = True) -> list[tuple[str, str]]:
    """Dropdown (label, value) pairs for the ``partner`` parameter: "all", then each partner by name with its
    region and country (the value stays the id).

    >>> import clusterix_analytics as cx
    >>> partner_options(cx.load())[1:3]
    [('ecoplus – Niederösterreich (Austria)', 'ecoplus'), ('VLAIO – Vlaams Gewest (Belgium)', 'vlaio')]
    """
    names = partner_names(ds.partners)
    pairs = [(f"{names[str(p.partner_id)]} – {p.region_name} ({country_name(p.country_code)})", str(p.partner_id))
             for p in ds.partners.itertuples()]
    return ([("All partners", ALL)] if include_all else []) + pairs


def phase_options(ds: Dataset, include_all: bool = True) -> list[tuple[str, str]]:
    """Dropdown (label, value) pairs for the ``phase`` parameter: "all", then each phase by name with its dates
    (the value stays the id).

    >>> import clusterix_analytics as cx
    >>> phase_options(cx.load())[1]
    ('Phase 1 – interregional learning (Apr 2016 – Mar 2019)', 'P1')
    """
    pairs = [(f"{ph.name} ({ph.start:%b %Y} – {ph.end:%b %Y})", str(ph.phase_id))
             for ph in ds.project.phases_frame().itertuples()]
    return ([("All phases", ALL)] if include_all else []) + pairs


def indicator_options(ds: Dataset, include_all: bool = False) -> list[tuple[str, str]]:
    """Dropdown (label, value) pairs for an ``indicator`` parameter: each indicator's name and unit.

    >>> import clusterix_analytics as cx
    >>> indicator_options(cx.load())[0]
    ('Policy learning events organised (events)', 'learning_events')
    """
    pairs = [(f"{ind.name} ({ind.unit})", str(ind.indicator_id)) for ind in ds.indicators.itertuples()]
    return ([("All indicators", ALL)] if include_all else []) + pairs


def _as_pairs(options: Options) -> list[tuple[str, Any]]:
    """(label, value) pairs from a list of values, a list of pairs or a {label: value} mapping."""
    if isinstance(options, Mapping):
        return [(str(label), value) for label, value in options.items()]
    if isinstance(options, (pd.Series, pd.Index)):
        options = options.tolist()
    pairs = []
    for option in options:
        if isinstance(option, tuple) and len(option) == 2:
            pairs.append((str(option[0]), option[1]))
        else:
            pairs.append((str(option), option))
    return pairs


def json_safe(figure: go.Figure) -> go.Figure:
    """``figure`` with every NaN or infinite number as null (a gap, as plotly draws a NaN).

    A FigureWidget sends its figure to JupyterLab as JSON, which has no NaN: jupyter_client then warns in the
    notebook ("Message serialization failed ... Out of range float values are not JSON compliant"), in pink
    under the explorer. plotly's own JSON encoder writes NaN as null.

    >>> json_safe(go.Figure(go.Scatter(x=[1, 2, 3], y=[1.0, float("nan"), 3.0]))).data[0].y
    (1.0, None, 3.0)
    """
    import plotly.io as pio

    return pio.from_json(pio.to_json(figure, validate=False), skip_invalid=True)


class Explorer:
    """Dropdowns (one per parameter) above a plotly FigureWidget that ``build_figure(**values)`` redraws.

    Made by :func:`explore`; ``controls`` maps parameter name to its Dropdown, ``figure`` is the FigureWidget,
    ``message`` shows why a combination could not be drawn, ``box`` is what is displayed.
    """

    def __init__(self, build_figure: Callable[..., go.Figure], options: Mapping[str, Options],
                 start: Mapping[str, Any] | None = None, title: str | None = None,
                 description_width: str = "90px"):
        import ipywidgets as w

        if not options:
            raise ValueError("explore() needs at least one parameter with options, e.g. partner=[...]")
        self.build_figure = build_figure
        start = dict(start or {})
        self.controls: dict[str, w.Dropdown] = {}
        for name, raw in options.items():
            pairs = _as_pairs(raw)
            if not pairs:
                raise ValueError(f"parameter {name!r} has no options to choose from")
            values = [value for _, value in pairs]
            if name in start and start[name] not in values:
                raise ValueError(f"start value {start[name]!r} for {name!r} is not one of the options: "
                                 + ", ".join(map(str, values)))
            self.controls[name] = w.Dropdown(
                options=pairs, value=start.get(name, values[0]), description=name.replace("_", " "),
                style={"description_width": description_width}, layout=w.Layout(width="max-content"),
            )
        self.message = w.HTML(layout=w.Layout(margin="0 0 0 8px"))
        self.figure = go.FigureWidget(self._build())
        for control in self.controls.values():
            control.observe(self.update, names="value")
        heading = [w.HTML(f"<h3>{html.escape(title)}</h3>")] if title else []
        self.box = w.VBox([*heading, w.HBox([*self.controls.values(), self.message],
                                            layout=w.Layout(flex_flow="row wrap")), self.figure],
                          layout=w.Layout(width="100%"))
        self.box.add_class("clusterix-explorer")

    @property
    def values(self) -> dict[str, Any]:
        """The chosen value of every parameter, e.g. {"partner": "ecoplus", "phase": "P2"}."""
        return {name: control.value for name, control in self.controls.items()}

    def _build(self) -> go.Figure:
        figure = self.build_figure(**self.values)
        if not isinstance(figure, go.Figure):
            raise TypeError(f"build_figure must return a plotly go.Figure, got {type(figure).__name__}")
        return json_safe(figure)

    def update(self, change=None) -> None:
        """Observer of every dropdown: rebuild the figure for the chosen values and swap it in place.

        A combination the builder refuses (it raises) keeps the last figure and says why next to the controls,
        because an exception inside a widget observer would otherwise vanish into JupyterLab's log console.
        """
        try:
            new = self._build()
        except Exception as error:  # noqa: BLE001 - any builder error is shown to the reader, not swallowed
            self.message.value = (f'<span class="clusterix-explorer-error" style="color:#b00020">'
                                  f"Cannot draw this choice: {type(error).__name__}: {html.escape(str(error))}</span>")
            return
        self.message.value = ""
        with self.figure.batch_update():
            self.figure.data = []          # traces may differ in number and type between choices
            self.figure.add_traces(list(new.data))
            self.figure.layout = new.layout

    def set(self, **values) -> Explorer:
        """Choose values as a reader would (each change fires :meth:`update`); returns self for chaining."""
        for name, value in values.items():
            if name not in self.controls:
                raise KeyError(f"no control {name!r}; controls: {', '.join(self.controls)}")
            self.controls[name].value = value
        return self

    def __repr__(self) -> str:
        return f"Explorer({', '.join(f'{k}={v!r}' for k, v in self.values.items())})"


def explore(build_figure: Callable[..., go.Figure], *, start: Mapping[str, Any] | None = None,
            title: str | None = None, display_now: bool = True, **options: Options) -> Explorer | None:
    """Show dropdowns for the given parameters and a figure that redraws in place when one changes.

    ``build_figure`` is called with one keyword argument per parameter and returns a go.Figure (a package
    figure builder, usually through a lambda). Each option list is values, (label, value) pairs or a
    {label: value} dict; ``start`` gives the first choice (the notebook's parameter values), default the first
    option; ``title`` is a heading shown above the controls (only where the explorer is, so reports carry no
    empty "explore" section). Under papermill nothing is shown and None is returned: the parameters cell alone
    drives reports.

    >>> explore(lambda partner: go.Figure(layout_title_text=partner), partner=["ecoplus", "vlaio"],
    ...         start={"partner": "vlaio"}, display_now=False).figure.layout.title.text
    'vlaio'
    """
    if under_papermill():
        return None
    explorer = Explorer(build_figure, options, start=start, title=title)
    if display_now:
        from IPython.display import display

        display(explorer.box)
    return explorer
