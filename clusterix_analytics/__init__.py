"""clusterix-analytics: policy-learning analytics for Interreg Europe projects.

>>> import clusterix_analytics as cx
>>> ds = cx.load()            # data/clusterix2, validated
>>> sorted(ds.tables)[:3]
['action_plans', 'cluster_links', 'clusters']
"""
from clusterix_analytics.data.dataset import Dataset, load
from clusterix_analytics.data.project import Project, load_project
from clusterix_analytics.errors import DataProblem, DataValidationError

__version__ = "0.1.0"
__all__ = ["Dataset", "DataProblem", "DataValidationError", "Project", "load", "load_project", "__version__"]
