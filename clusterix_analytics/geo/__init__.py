"""Geometry: the embedded NUTS polygons (package data), the optional GISCO download with its cache, and the
build step that makes the embedded files.
"""
