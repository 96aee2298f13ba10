"""The report pages' templates: one Jinja2 environment, autoescape on, and the one stylesheet.

The templates live in ``reports/templates/`` (package data): ``page.html`` is the shell every page extends
(``notebook.html``, ``index.html``, ``diff.html``); it inlines ``clusterix.css`` so a page copied anywhere
still works offline. Every value a template prints is HTML-escaped; only HTML that already is HTML (a
notebook's nbconvert body, with its plotly divs) is passed in as :class:`markupsafe.Markup`. ``None``
prints as nothing. The stylesheet takes its font and colours from :mod:`clusterix_analytics.style` as CSS
custom properties (``--cx-<name>``), so a page and its figures share one theme.

>>> page = render("diff.html", old="<s1>", new="s2", sections=[])
>>> "<h1>Changes from &lt;s1&gt; to s2</h1>" in page
True
"""
from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from clusterix_analytics.config import TEMPLATES_DIR
from clusterix_analytics.style import FONT, MUTED, PAGE, PALETTE, STATUS, TEXT, label_colour

# Characters that could end a CSS declaration or the <style> element a theme value is printed into.
_NOT_IN_CSS_VALUES = set(";{}<>\\")


def theme() -> dict[str, str]:
    """The stylesheet's custom properties, name → value, every one from :mod:`clusterix_analytics.style`.

    >>> tokens = theme()
    >>> tokens["font"], tokens["palette-3"], tokens["status-failed"], tokens["header"]
    ('Inter, Segoe UI, Helvetica Neue, Arial, sans-serif', '#D55E00', '#D55E00', '#0b3d5c')
    """
    tokens = {"font": FONT, "text": TEXT, "muted": MUTED}
    tokens |= {f"palette-{i}": colour for i, colour in enumerate(PALETTE)}
    tokens |= {f"status-{status}": colour for status, colour in STATUS.items()}
    # a status badge's text: black or white, whichever reads better on its colour (WCAG)
    tokens |= {f"status-{status}-label": label_colour(colour) for status, colour in STATUS.items()}
    tokens |= PAGE
    return tokens


def css_value(value) -> Markup:
    """A theme value, safe to print into a CSS declaration (autoescape would turn a quote into an entity).

    >>> css_value("#0072B2")
    Markup('#0072B2')
    >>> css_value("red;} body{display:none")
    Traceback (most recent call last):
    ValueError: 'red;} body{display:none' cannot be a CSS value: it may hold none of ; { } < > and no backslash
    """
    text = str(value)
    if _NOT_IN_CSS_VALUES & set(text):
        raise ValueError(f"{text!r} cannot be a CSS value: it may hold none of ; {{ }} < > and no backslash")
    return Markup(text)


def _nothing_for_none(value):
    """Print ``None`` as nothing (a run without a title, a snapshot not yet named), not as "None"."""
    return "" if value is None else value


ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,      # a misspelt variable fails the page, not prints nothing
    finalize=_nothing_for_none,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENVIRONMENT.filters["css_value"] = css_value
ENVIRONMENT.globals["theme"] = theme()


def render(template: str, **context) -> str:
    """Render one of the report templates with ``context`` (values are escaped unless they are ``Markup``).

    >>> render("diff.html", old="s1", new="s2", sections=[]).splitlines()[0]
    '<!DOCTYPE html>'
    """
    return ENVIRONMENT.get_template(template).render(**context)


def stylesheet() -> str:
    """The CSS every page inlines: ``clusterix.css`` with the theme's values filled in.

    >>> stylesheet().splitlines()[1]
    '  --cx-font:Inter, Segoe UI, Helvetica Neue, Arial, sans-serif;'
    """
    return render("clusterix.css")
