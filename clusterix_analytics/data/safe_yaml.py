"""Reading the YAML a user writes (project.yaml, reports/plan.yaml, ``-p`` values): bounded, in one encoding,
with impossible dates left as text for the file's model to refuse by name.

PyYAML's safe loader builds an anchored value once and shares it, but whatever walks the result (validation,
copying, a check over a list) expands every alias: nine lines of nested anchors stand for a billion values.
So the text is first read as events, which builds nothing, and refused when it is deeper or expands to more
values than a hand-written file ever holds (``config.YAML_MAX_DEPTH``, ``YAML_MAX_NODES``).

>>> load_yaml("start: 2021-02-30\\nend: 2021-03-31")[0]
{'start': '2021-02-30', 'end': datetime.date(2021, 3, 31)}
>>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"{k}: &{k} [{', '.join(['*' + p] * 10)}]\\n" for p, k in zip("abcde", "bcdef"))
>>> load_yaml(bomb)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
clusterix_analytics.data.safe_yaml.YamlProblem: line 4: the aliases (*name) expand to more than 10000 values; ...
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from clusterix_analytics.config import YAML_MAX_BYTES, YAML_MAX_DEPTH, YAML_MAX_NODES
from clusterix_analytics.data.encoding import EncodingProblem, decode_text


class YamlProblem(Exception):
    """Why a YAML text cannot be read; ``line`` is 1-based, 0 for the file as a whole."""

    def __init__(self, line: int, message: str):
        self.line, self.message = line, message
        super().__init__(f"line {line}: {message}" if line else message)


class _Loader(yaml.SafeLoader):
    """The safe loader, but an impossible date ('2021-02-30') stays text and a value that cannot be built
    (an integer of a million digits) is an error at its line."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return node.value

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _line(mark) -> int:
    return mark.line + 1 if mark is not None else 0


def _check_shape(text: str) -> None:
    """Refuse, from the event stream alone, a text nested deeper than YAML_MAX_DEPTH, expanding to more than
    YAML_MAX_NODES values (each alias counted as the values it stands for), or with a recursive alias."""
    sizes: dict[str, int] = {}   # anchor -> values it stands for
    open_: list[list] = []       # [anchor, values so far] of each mapping or list being read
    expanded = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_) >= YAML_MAX_DEPTH:
                raise YamlProblem(_line(event.start_mark), f"nested more than {YAML_MAX_DEPTH} levels deep")
            open_.append([event.anchor, 1])
            expanded += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, n = open_.pop()
            if anchor:
                sizes[anchor] = n
            if open_:
                open_[-1][1] += n
            continue
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            if isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in open_):
                    raise YamlProblem(_line(event.start_mark), f"the alias *{event.anchor} refers to a value "
                                      "that contains it (a structure without end)")
                n = sizes.get(event.anchor, 1)   # an unknown anchor: the composer names it
            else:
                n = 1
                if event.anchor:
                    sizes[event.anchor] = 1
            expanded += n
            if open_:
                open_[-1][1] += n
        else:
            continue
        if expanded > YAML_MAX_NODES:
            raise YamlProblem(_line(event.start_mark), f"the aliases (*name) expand to more than {YAML_MAX_NODES} "
                              "values; a hand-written file holds far fewer")


def beyond_bounds(text: str) -> str | None:
    """Why a text, read as YAML, is deeper or expands to more than the bounds allow; None when it does not, or is
    not YAML at all (a ``-p`` value that is plain text).

    >>> beyond_bounds("[a, b]"), beyond_bounds("[unclosed"), beyond_bounds("[" * 40 + "]" * 40)
    (None, None, 'nested more than 32 levels deep')
    """
    try:
        _check_shape(text)
    except YamlProblem as exc:
        return exc.message
    except yaml.YAMLError:
        return None
    return None


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """(value, node) of one YAML document; the node gives each value's line. Raises :class:`YamlProblem`."""
    try:
        _check_shape(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlProblem(_line(mark), f"not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    return value, node


def read_yaml_file(path: Path) -> tuple[Any, yaml.Node | None, str]:
    """(value, node, encoding) of a YAML file: at most YAML_MAX_BYTES, UTF-8 or Windows-1252 as a whole."""
    size = path.stat().st_size
    if size > YAML_MAX_BYTES:
        raise YamlProblem(0, f"the file has {size:,} bytes; a YAML file of the workbook may have at most "
                          f"{YAML_MAX_BYTES:,} (a hand-written one has a few thousand)")
    try:
        text, encoding = decode_text(path.read_bytes())
    except EncodingProblem as exc:
        raise YamlProblem(exc.line, exc.message) from None
    value, node = load_yaml(text)
    return value, node, encoding
