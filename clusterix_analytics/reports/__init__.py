"""Report snapshots: plan (what runs), runner (papermill in parallel), export (offline HTML with one
plotly.js), manifest and index, diff between snapshots, and a headless-browser check of the pages.

The runner knows nothing about clusters: the plan names notebooks, parameters and checker functions.
"""
