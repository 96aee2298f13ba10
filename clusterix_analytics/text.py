"""Data inserted into the text a page shows: the one escape every view (and every sentence the analytics
word) puts a name, a title or any other text from the tables or project.yaml through, in Markdown
(:func:`markdown_text`) and in a plotly figure (:func:`figure_text`).

A partner's spreadsheet may hold anything: ``<script>``, ``<img onerror=...>``, a Markdown link to
``javascript:``, ``*`` and ``_`` that would turn the rest of a sentence bold. :func:`markdown_text` makes such a
value show as the characters it is: HTML's ``& < >`` become entities (Markdown passes raw HTML through), and
every character that starts something inline in Markdown (``\\ ` * _ [ ] ~ $``) is escaped with a backslash,
so no link, image, emphasis, code span or formula can start inside it; nor can a bare URL become a link (the
``:`` of ``://`` and the ``.`` of ``www.`` get a backslash too). Numbers and the sentence's own
words stay as they are: only the inserted values are escaped.

>>> print(markdown_text('<script>alert(1)</script> [x](javascript:alert(1)) *Vienna* & ecoplus (AT12)'))
&lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](javascript:alert(1)) \\*Vienna\\* &amp; ecoplus (AT12)
>>> markdown_text(None)
''
"""
from __future__ import annotations

import html
import re

# The characters that start something inline in Markdown (CommonMark, GFM, Jupyter's MathJax): links and
# images ([ ]), emphasis (* _), code (`), strikethrough (~), formulas ($), and the backslash itself. With [
# escaped, ( ) and ! cannot make a link; an inserted value never starts a line, so # - + > cannot make a block.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]~$])")
_LINE_BREAKS = re.compile(r"[\r\n]+")
# Bare URLs become links in GFM-flavoured renderers (nbconvert's mistune: http://, https://; JupyterLab also
# www.): a backslash before the ':' of '://' and the '.' of 'www.' keeps the characters and stops the link.
_AUTOLINK_STARTS = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![\w.])(www)(\.)")


def markdown_text(value) -> str:
    """``value`` (any text from the data; None is empty) as Markdown that shows exactly that text."""
    if value is None:
        return ""
    text = html.escape(str(value), quote=False)
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))   # a line break would start a block
    return _AUTOLINK_STARTS.sub(lambda m: "\\:" if m.group(1) else f"{m.group(2)}\\.", text)


def markdown_join(values, separator: str = ", ") -> str:
    """Several values from the data, each escaped, joined by ``separator`` (the sentence's own words).

    >>> markdown_join(["Vienna_Test", "Capital *Test*"])
    'Vienna\\\\_Test, Capital \\\\*Test\\\\*'
    """
    return separator.join(markdown_text(v) for v in values)


def figure_text(value) -> str:
    """``value`` (any text from the data; None is empty) as plotly text that shows exactly that text.

    plotly.js reads a subset of HTML in every text it draws (titles, axis and tick labels, legend names,
    annotations, hover text, text labels): ``<a href>``, ``<b>``, ``<br>``, ``<span style>`` ... So ``& < >``
    become entities, which plotly decodes back to the characters when it draws them. And it fills
    ``%{...}`` in hover and text templates, with no escape for a literal ``%{``: every ``%`` becomes the
    entity ``&#37;``, which plotly's templating does not see and its drawing shows as ``%``. A value put
    through here may therefore go anywhere, a template string included.

    >>> figure_text('<a href="https://x.example">R&D</a> 50%{x}')
    '&lt;a href="https://x.example"&gt;R&amp;D&lt;/a&gt; 50&#37;{x}'
    >>> figure_text(None), figure_text(12)
    ('', '12')
    """
    if value is None:
        return ""
    return html.escape(str(value), quote=False).replace("%", "&#37;")
