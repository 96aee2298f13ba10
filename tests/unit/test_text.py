"""text.markdown_text: a value from the data, put into a page's Markdown, shows as exactly its characters once
the page's renderer (nbconvert's Markdown filter, the one the report pages go through) has made it HTML."""
from __future__ import annotations

import html
import re

import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from clusterix_analytics.text import markdown_join, markdown_text

VALUES = [
    '<script>window.__xss=1</script>', '<img src=x onerror="window.__xss=1">', '"><svg onload=window.__xss=1>',
    "[x](javascript:window.__xss=1)", "![x](x.png)", "<javascript:alert(1)>", "{{7*7}}", "*bold* _it_ `code` ~~no~~",
    "$x^2$ costs 5 $", "back\\slash \\*", "R&D &amp; Co", "ecoplus (AT12)", "#1 | 2 > 1", "two\nlines\r\nhere",
    'see https://x.example"&gt;link</a> or WWW.x.example', "ftp://x.example (time 10:30)",
]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_shows_as_its_characters_inside_a_sentence(value):
    rendered = markdown2html_mistune(f"Led by **{markdown_text(value)}** since 2020.")
    assert re.findall(r"<(\w+)", rendered) == ["p", "strong"]          # no element of the value's own
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()
    assert shown == f"Led by {' '.join(value.replace(chr(13), '').split(chr(10)))} since 2020."


def test_join_escapes_each_value_and_keeps_the_separator():
    assert markdown_join(["a_b", "c*d"], " and ") == "a\\_b and c\\*d"
    assert markdown_text(None) == ""
