"""``python -m clusterix_analytics`` behaves like the ``clusterix-analytics`` console script."""
from .cli import main

raise SystemExit(main())
