"""``python -m clusterix_analytics.lab``: start JupyterLab on notebooks/ with the project's kernel."""
from clusterix_analytics.lab.launcher import main

main()
