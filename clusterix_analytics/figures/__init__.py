"""Figures: plotly builders that take tables (and geometry) and return a figure, in the one theme.

Never a path, never a Dataset: views and notebooks pass the tables in.
"""
