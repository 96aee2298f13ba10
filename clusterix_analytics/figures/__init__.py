"""Plotly figure builders. Figures take DataFrames (or a Dataset) and return ``go.Figure``; they never read files."""
