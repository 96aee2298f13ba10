"""The researchers' path in a real browser: JupyterLab as `make lab` starts it, notebooks run top to bottom.

One JupyterLab server (started through ``python -m clusterix_analytics.lab``, the command behind `make lab`)
serves copies of the maintained notebooks from a temporary folder (so autosave never writes outputs into
notebooks/), with temporary Jupyter config, data, runtime and IPython folders (the user's are never read or
touched). Debian's Chromium, driven by Playwright, opens each notebook, runs all cells and checks what a
researcher sees: the project's kernel, plotly figures drawn, no error, and the explorer widgets redrawing a
figure in place. The server and every kernel it started are stopped at the end, and that is checked.

Playwright never downloads a browser here: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 and ``executable_path``.
Without Chromium (or playwright) the tests skip, unless CLUSTERIX_REQUIRE_BROWSER=1 (.ci/run sets it).

Adding a notebook: append a NotebookCase to NOTEBOOKS with a CSS selector that only matches once its main
figure is drawn, e.g. for the partner-regions map the filled region shapes.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest
from plotly.io.json import to_json_plotly

import clusterix_analytics as cx
from clusterix_analytics.config import (
    DATA_DIR,
    KERNEL_NAME,
    NOTEBOOKS_DIR,
    PAGE_PLOTLYJS_ENV,
    REPORT_RUN_ENV,
    REQUIRE_BROWSER_ENV,
    find_chromium,
)
from clusterix_analytics.lab.widgets import partner_options
from clusterix_analytics.reports.browser import OFFLINE_FLAGS

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

# Debian's /usr/bin/chromium, found as the report screenshots find it ($BROWSER_PATH overrides)
CHROMIUM = find_chromium()
# Safe as root in a container, and quiet: no GPU, no QUIC, no background calls home, no updates, no sync.
CHROMIUM_ARGS = [flag for flag in OFFLINE_FLAGS if flag != "--headless"]  # Playwright adds its own headless flag
REQUIRE_BROWSER = os.environ.get(REQUIRE_BROWSER_ENV) == "1"
SERVER_START_SECONDS = 60
RUN_ALL_MS = 120_000
DRAW_MS = 30_000


@dataclass(frozen=True)
class NotebookCase:
    name: str                  # notebooks/<name>.ipynb
    drawn: str                 # CSS selector that matches only once the notebook's main figure is drawn
    at_least: int = 1          # how many elements ``drawn`` must match
    explorer: bool = False     # the notebook offers explorer widgets (widgets.explore) when run interactively


NOTEBOOKS = [
    # phases timeline + headline indicators chart: bars of both figures drawn in SVG
    NotebookCase("00_project_overview", ".js-plotly-plot .main-svg .barlayer .trace", at_least=2),
    # the partner-regions map and the cooperation map: region polygons are filled cartesian scatter traces
    NotebookCase("01_partner_regions", ".js-plotly-plot .main-svg .scatterlayer .trace path.js-fill", at_least=2,
                 explorer=True),
]

# CLUSTERIX_BROWSER_ALL_NOTEBOOKS=1 also runs every other maintained notebook, checking that each of its plotly
# outputs is drawn (about 15 s each; left out by default to keep the suite fast).
if os.environ.get("CLUSTERIX_BROWSER_ALL_NOTEBOOKS") == "1":
    NOTEBOOKS += [NotebookCase(path.stem, ".jp-RenderedPlotly.js-plotly-plot .main-svg")
                  for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")) if path.stem not in {c.name for c in NOTEBOOKS}]

# A notebook written by this test: the explorer on real data, to check the widget path on its own.
EXPLORER_NOTEBOOK = "explorer_check"
EXPLORER_CELLS = [
    'project_dir = "../data/clusterix2"',
    """\
import plotly.graph_objects as go
import clusterix_analytics as cx
from clusterix_analytics.lab import notebook
from clusterix_analytics.lab import widgets

notebook.setup()
ds = cx.load(project_dir)

def changes_by_status(partner):
    mine = ds.policy_changes[ds.policy_changes.partner_id == partner]
    counts = mine.status.value_counts().sort_index()
    return go.Figure(go.Bar(x=counts.index.tolist(), y=counts.tolist()),
                     layout_title_text=f"Policy changes of {partner}")

explorer = widgets.explore(changes_by_status, partner=widgets.partner_options(ds, include_all=False),
                           start={"partner": "inma"})""",
]


def _unavailable(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason}, and CLUSTERIX_REQUIRE_BROWSER=1 requires the browser tests to run")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    process: subprocess.Popen
    log: Path
    root: Path
    kernels_seen: set[int] = field(default_factory=set)   # pids of kernel processes seen while running

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        # straight to 127.0.0.1, whatever http_proxy the environment sets
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_processes(self) -> list[psutil.Process]:
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [p for p in children if "ipykernel" in " ".join(p.cmdline())]


def _write_explorer_notebook(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (clusterix-analytics)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in EXPLORER_CELLS]
    nbformat.write(nb, folder / f"{EXPLORER_NOTEBOOK}.ipynb")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 (random port, token) serving copies of the notebooks; stopped after."""
    if CHROMIUM is None:
        _unavailable("no Chromium (install Debian's 'chromium' package, or set BROWSER_PATH)")
    base = tmp_path_factory.mktemp("lab")
    notebooks = base / "notebooks"
    notebooks.mkdir()
    for path in NOTEBOOKS_DIR.glob("*.ipynb"):
        shutil.copy(path, notebooks / path.name)
    _write_explorer_notebook(notebooks)
    (base / "data").symlink_to(DATA_DIR)      # the notebooks' default project_dir is ../data/clusterix2
    # a lab session, not a report run: neither of the runner's variables (papermill tests may have set them)
    env = {k: v for k, v in os.environ.items() if k not in (REPORT_RUN_ENV, PAGE_PLOTLYJS_ENV)}
    for variable, folder in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data-dir"),
                             ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
        env[variable] = str(base / folder)
    port, token = _free_port(), secrets.token_hex(16)
    log = base / "server.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "clusterix_analytics.lab", "--no-browser", "--ServerApp.open_browser=False",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
             "--LabApp.expose_app_in_browser=True",      # window.jupyterapp: run commands, read the model
             "--LabApp.extension_manager=readonly"],     # never asks PyPI for extensions
            env=env, cwd=base, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, process, log, base)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            server.api("/api/status")
            break
        except OSError:
            if time.monotonic() > deadline:
                _stop(server)
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.25)
    yield server
    server.kernels_seen.update(p.pid for p in server.kernel_processes())
    _stop(server)
    survivors = [pid for pid in server.kernels_seen if _alive(pid)]
    assert server.kernels_seen, "no kernel process was seen: the notebooks did not run"
    assert not survivors, f"kernel processes still running after the server stopped: {survivors}"


def _stop(server: Lab) -> None:
    """Shut the server down through its API (it stops its kernels); signals only if it does not exit."""
    try:
        server.api("/api/shutdown", method="POST")
    except OSError:
        pass
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=10)
    # give kernels the server asked to stop a moment to exit (it does not wait for them)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in server.kernels_seen):
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def browser(lab):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(DRAW_MS)
    yield page
    lab.kernels_seen.update(p.pid for p in lab.kernel_processes())
    context.close()


# Opens nothing itself: waits for JupyterLab to have the notebook open with a started kernel, runs every cell
# (JupyterLab's own command, as Run > Run All Cells does), waits until the kernel is idle again, and returns
# what the notebook model holds (execution counts and outputs of every code cell).
RUN_ALL_JS = """async ([path, timeoutMs]) => {
  const app = window.jupyterapp;
  await app.restored;
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  const deadline = Date.now() + timeoutMs;
  let panel = null;
  while (!panel) {
    panel = app.shell.currentWidget;
    if (!(panel && panel.context && panel.context.path === path && panel.sessionContext)) panel = null;
    if (Date.now() > deadline) throw new Error('notebook ' + path + ' did not open');
    if (!panel) await sleep(100);
  }
  await panel.context.ready;
  await panel.sessionContext.ready;
  const kernel = () => panel.sessionContext.session && panel.sessionContext.session.kernel;
  while (!kernel() || kernel().status !== 'idle') {
    if (Date.now() > deadline) throw new Error('kernel did not start');
    await sleep(100);
  }
  // resolves once execution stops: after the last cell, or at the first cell that raised (false then)
  const finished = await app.commands.execute('notebook:run-all-cells');
  const codeCells = () => panel.content.widgets.filter(cell => cell.model.type === 'code');
  while (kernel().status !== 'idle') {
    if (Date.now() > deadline) throw new Error('kernel still busy after ' + timeoutMs + ' ms');
    await sleep(100);
  }
  return {
    kernel: kernel().name,
    finished,
    cells: codeCells().map(cell => ({
      executionCount: cell.model.executionCount,
      outputs: cell.model.outputs.toJSON(),
    })),
  };
}"""


def _open_and_run_all(lab: Lab, page, name: str) -> dict:
    # a workspace of its own: JupyterLab does not reopen what an earlier test left open (one kernel each)
    page.goto(f"{lab.url}/lab/workspaces/{re.sub(r'[^a-z0-9]', '-', name.lower())}/tree/{name}.ipynb"
              f"?token={lab.token}")
    page.wait_for_function("window.jupyterapp !== undefined")
    return page.evaluate(RUN_ALL_JS, [f"{name}.ipynb", RUN_ALL_MS])


def _errors(run: dict) -> list[str]:
    """Error outputs and tracebacks on stderr, as 'cell N: text'."""
    found = []
    for number, cell in enumerate(run["cells"], start=1):
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                found.append(f"cell {number}: {output['ename']}: {output['evalue']}")
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
                if "Traceback" in text or "Error" in text:
                    found.append(f"cell {number}: stderr: {text[-500:]}")
    return found


def _squash(text: str) -> str:
    """Plotly titles may hold <br>/<b> markup; the drawn SVG holds the words only (zero-width spaces at breaks)."""
    return re.sub(r"[\s\u200b]+", "", re.sub(r"<[^>]+>", "", text or ""))


def test_server_offers_the_projects_kernel_as_default(lab):
    specs = lab.api("/api/kernelspecs")
    assert specs["default"] == KERNEL_NAME
    python = Path(specs["kernelspecs"][KERNEL_NAME]["spec"]["argv"][0])
    # the kernel is this environment's Python, so `import clusterix_analytics` works in every notebook
    assert python.parent == Path(sys.executable).parent


def test_a_new_notebook_proposes_the_projects_kernel(lab, page):
    page.goto(f"{lab.url}/lab/workspaces/new-notebook?token={lab.token}")
    page.wait_for_function("window.jupyterapp !== undefined")
    page.evaluate("async () => { await window.jupyterapp.restored; "
                  "window.jupyterapp.commands.execute('notebook:create-new', {cwd: ''}); }")
    dialog = page.locator(".jp-Dialog")
    chosen = dialog.locator("select").evaluate("select => select.options[select.selectedIndex].text")
    assert chosen == "Python (clusterix-analytics)"
    dialog.locator("button.jp-mod-accept").click()
    kernel = page.evaluate("""async () => {
      const panel = window.jupyterapp.shell.currentWidget;
      await panel.sessionContext.ready;
      return panel.sessionContext.session.kernel.name;
    }""")
    assert kernel == KERNEL_NAME


@pytest.mark.parametrize("case", NOTEBOOKS, ids=[case.name for case in NOTEBOOKS])
def test_notebook_runs_in_lab_and_draws_its_figures(lab, page, case):
    run = _open_and_run_all(lab, page, case.name)
    assert run["kernel"] == KERNEL_NAME
    assert _errors(run) == []
    assert run["finished"] and all(cell["executionCount"] is not None for cell in run["cells"])

    page.wait_for_function("([selector, n]) => document.querySelectorAll(selector).length >= n",
                           arg=[case.drawn, case.at_least])
    stderr_tracebacks = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
                                     has_text="Traceback")
    assert stderr_tracebacks.count() == 0

    # Every plotly output is drawn (its title is on the page), and carries the HTML the report export shows.
    figures = [output["data"] for cell in run["cells"] for output in cell["outputs"]
               if "application/vnd.plotly.v1+json" in output.get("data", {})]
    assert figures, f"{case.name} shows no plotly figure"
    titles = [_squash(data["application/vnd.plotly.v1+json"]["layout"].get("title", {}).get("text", ""))
              for data in figures]
    # drawn by JupyterLab's plotly mimetype renderer (the jupyterlab-plotly extension shipped in the plotly
    # package), not by the HTML fallback
    page.wait_for_function("n => document.querySelectorAll('.jp-RenderedPlotly.js-plotly-plot .main-svg').length >= n",
                           arg=len(figures))
    drawn_titles = [_squash(t) for t in page.locator(".js-plotly-plot .gtitle").all_text_contents()]
    for title, data in zip(titles, figures):
        assert title in drawn_titles, f"figure {title!r} not drawn; drawn: {drawn_titles}"
        # the same output carries the HTML the report export shows: the same figure, title and all
        html = data.get("text/html", "")
        raw_title = data["application/vnd.plotly.v1+json"]["layout"].get("title", {}).get("text", "")
        assert "Plotly.newPlot" in html, "the plotly output has no HTML for the exported report"
        assert to_json_plotly(raw_title)[1:-1] in html    # as plotly writes it into the page's script
    if case.explorer:
        assert page.locator(".clusterix-explorer select").count() >= 1


def test_explorer_redraws_its_figure_in_place_when_a_dropdown_changes(lab, page):
    run = _open_and_run_all(lab, page, EXPLORER_NOTEBOOK)
    assert _errors(run) == []
    explorer = page.locator(".clusterix-explorer")
    title = explorer.locator(".js-plotly-plot .gtitle")
    bars = explorer.locator(".js-plotly-plot .barlayer .point")
    # shipped data: inma's 4 policy changes are all "achieved" -> one bar
    assert title.text_content() == "Policy changes of inma"
    assert bars.count() == 1

    label = dict((value, text) for text, value in partner_options(cx.load()))["region_aura"]
    explorer.locator("select").select_option(label=label)
    page.wait_for_function("el => el.textContent === 'Policy changes of region_aura'",
                           arg=title.element_handle())
    # region_aura has one change achieved, one in progress, one planned -> three bars, drawn in the same place
    page.wait_for_function("el => el.querySelectorAll('.barlayer .point').length === 3",
                           arg=explorer.locator(".js-plotly-plot").element_handle())
    assert explorer.count() == 1 and explorer.locator(".js-plotly-plot").count() == 1
    assert explorer.locator("select").input_value() != ""
    assert explorer.locator(".clusterix-explorer-error").count() == 0
