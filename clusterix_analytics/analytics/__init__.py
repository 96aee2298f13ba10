"""Analyse: pure pandas over a loaded :class:`~clusterix_analytics.data.Dataset` (tables in, tables out).

Never plots, never reads a file.
"""
