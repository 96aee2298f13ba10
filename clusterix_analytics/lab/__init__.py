"""JupyterLab: the helpers notebooks call (setup, demo notice, headline numbers), explorer widgets, PNG export
and the ``make lab`` launcher (``python -m clusterix_analytics.lab``).
"""
