"""Report snapshots: the plan, the parallel runner, offline HTML with one plotly.js, manifest, index, diff.

Modules: ``plan`` (reports/plan.yaml → checked runs), ``inputs`` (the frozen project, every input's sha256,
the environment lock and each run's reuse key), ``runner`` (papermill in a process pool → snapshot; runs whose
reuse key is unchanged since ``latest`` are copied, not executed), ``kernels`` (each worker's fresh kernel
per run and its warm, pre-imported spare; papermill's engine that closes its kernel client),
``export`` (executed notebook → offline page), ``templates`` (the pages' Jinja2 templates, autoescaped,
and their one stylesheet themed from ``style``), ``manifest`` (a pydantic model of manifest.json), ``index``,
``snapshot`` (hidden build folder, atomic publish, ``latest``), ``diff`` and ``browser`` (headless Chromium
over the DevTools pipe: thumbnails and the offline page check). The runner knows nothing about clusters: the plan names
notebooks, parameters and each notebook's ``check_parameters`` function.

Typical use::

    make reports                                         # the whole plan, jobs = cores
    clusterix-analytics report --only 04 -p partner=inma --label inma   # one profile
    clusterix-analytics report --project data/myproject --timeout 600 --fail-fast
    clusterix-analytics report --force                   # execute every run, even unchanged ones
    clusterix-analytics diff previous latest             # what changed; also writes diffs/<old>--<new>.html

Exit codes: 0 every run ok; 1 a run failed (or timed out, or --fail-fast skipped some); 2 bad data, plan or
parameters (nothing run, nothing written); 130 interrupted (no snapshot written, no kernel left).

A snapshot (``reports/<UTC time>[-label]/``)::

    index.html  manifest.json  plotly.min.js  <slug>.html  notebooks/<slug>.ipynb  thumbs/<slug>.png
"""
