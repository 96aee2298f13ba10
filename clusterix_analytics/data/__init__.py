"""Load and validate: project.yaml, the tables (declared once in :mod:`.tables`), tolerant readers, the demo
generator and the reference tables shipped as package data (NUTS codes, sectors).

Nothing here plots or analyses; everything above reads data through :func:`load`.

>>> from clusterix_analytics.data import load
>>> load().partners.shape[0]
10
"""
from clusterix_analytics.data.dataset import Dataset, load

__all__ = ["Dataset", "load"]
