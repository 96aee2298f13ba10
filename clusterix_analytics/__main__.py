"""``python -m clusterix_analytics`` behaves like the ``clusterix-analytics`` console script."""
from clusterix_analytics.cli import main

raise SystemExit(main())
