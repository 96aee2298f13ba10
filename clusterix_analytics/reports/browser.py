"""The one Chromium module: offline flags, one-shot screenshots, and a browser over the DevTools protocol
(pipe transport) for page checks, thumbnails and whole-page screenshots.

One browser process serves every page of a snapshot (no process start per page). The network is
off: Chromium runs with background networking disabled, DNS resolution mapped to nowhere and the
DevTools offline switch on, and every request that is not a local file is reported.

>>> from clusterix_analytics.reports.browser import find_chromium
>>> find_chromium() is None or find_chromium().name.startswith("chrom")
True
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from clusterix_analytics.config import find_chromium as _find_chromium

# Flags that keep a headless Chromium from reaching out (updates, sync, QUIC probes) and let it run as root.
OFFLINE_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars")
# The workbook's offline flags, plus: no name resolution at all, and DevTools over fds 3/4.
FLAGS = (*OFFLINE_FLAGS, "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--remote-debugging-pipe")

# Evaluated in the page: every plotly container, whether plotly drew into it, and how many data marks it drew
# (markers, bars, lines and fills, heatmap images, sankey nodes; axes, titles and shapes are no marks): a figure
# whose data is empty draws its axes and no mark.
FIGURE_CHECK = """(() => {
  const divs = Array.from(document.querySelectorAll('.plotly-graph-div'));
  const marks = '.point, path.js-line, path.js-fill, .hm image, .sankey-node';
  return {plotly: typeof window.Plotly !== 'undefined',
          figures: divs.map(d => ({id: d.id, drawn: !!d.querySelector('.main-svg') &&
                                   d.querySelectorAll('.main-svg *').length > 10,
                                   marks: Array.from(d.querySelectorAll('.main-svg')).reduce(
                                     (n, svg) => n + svg.querySelectorAll(marks).length, 0)}))};
})()"""
# What a reader sees of the page, figures' text (titles, axes, legends) included.
# A thumbnail is the top of a page (its title, question and answer, at 1200 px wide the left 760 px), at 0.6:
# 456 × 285 pixels, text still legible (a whole 1200 × 900 page at 0.25 was not).
THUMBNAIL_AREA = {"x": 0, "y": 0, "width": 760, "height": 475}
THUMBNAIL_SCALE = 0.6
VISIBLE_TEXT = "document.body ? document.body.innerText : ''"
# A whole page: at least the viewport wide (wider when something sticks out), as tall as the document.
PAGE_SIZE = ("[Math.max(window.innerWidth, document.documentElement.scrollWidth), "
             "Math.max(window.innerHeight, document.documentElement.scrollHeight)]")


def find_chromium() -> Path | None:
    """The Chromium executable ($BROWSER_PATH, else the first on PATH), or None when none is installed."""
    found = _find_chromium()
    return Path(found) if found else None


def screenshot(html_path: Path, png_path: Path, width: int = 1200, height: int = 900,
               virtual_time_ms: int = 10000, timeout: float = 90.0) -> Path:
    """Screenshot a local HTML file in headless Chromium with every network-reaching feature off.

    The page is opened from ``file://`` (no server); ``virtual_time_ms`` lets its scripts run first.
    Raises FileNotFoundError if there is no Chromium, RuntimeError if it wrote no image.
    """
    chromium = _find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium found (install the 'chromium' package or set BROWSER_PATH)")
    png_path = Path(png_path).resolve()
    with tempfile.TemporaryDirectory(prefix="clusterix-chromium-") as profile:
        command = [chromium, *OFFLINE_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                   f"--virtual-time-budget={virtual_time_ms}", f"--screenshot={png_path}",
                   Path(html_path).resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if not png_path.is_file():
        raise RuntimeError(f"Chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-500:]}")
    return png_path


class BrowserError(RuntimeError):
    """Chromium did not start or stopped answering."""


@dataclass
class PageReport:
    """What happened when a page loaded: errors, requests that tried to leave the disk, figures."""

    url: str
    errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)   # id, drawn, marks (see FIGURE_CHECK)
    plotly_loaded: bool = False
    text: str = ""                                       # the page's visible text once its figures drew
    screenshot: bytes | None = None
    screenshot_error: str | None = None
    screenshot_size: tuple[int, int] | None = None   # (width, height) in px of a whole-page screenshot
    pdf: bytes | None = None
    probe: object = None   # the value of the ``probe`` expression, when one was given

    @property
    def undrawn_figures(self) -> list[str]:
        return [f["id"] for f in self.figures if not f["drawn"]]


class Browser:
    """A headless Chromium driven through ``--remote-debugging-pipe`` (fds 3 and 4).

    >>> with Browser() as browser:                      # doctest: +SKIP
    ...     report = browser.load("/tmp/snap/index.html", screenshot=True)
    """

    def __init__(self, executable: Path | None = None, width: int = 1200, height: int = 900):
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise BrowserError("Chromium not found")
        self.width, self.height = width, height
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict] = []

    def __enter__(self) -> Browser:
        # A Chromium that does not answer its first command (seen on a busy 2-core machine, first start of a
        # test session) is stopped and started once more before giving up.
        for attempt in (1, 2):
            self._start()
            try:
                self.command("Target.setDiscoverTargets", discover=False, timeout=45)
                return self
            except BrowserError:
                self.__exit__()
                if attempt == 2:
                    raise
        return self

    def _start(self) -> None:
        self._buffer, self._events = b"", []
        self._profile = tempfile.mkdtemp(prefix="clusterix-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def place_pipes():  # the child sees our pipes as fds 3 (commands) and 4 (answers)
            commands = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)   # out of the way of 3 and 4 first
            answers = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.process = subprocess.Popen(
            [str(self.executable), *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=place_pipes, close_fds=False,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)

    def __exit__(self, *exc) -> None:
        try:
            self.command("Browser.close", timeout=5)
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- protocol ---------------------------------------------------------------------------------
    def _send(self, method: str, session: str | None, params: dict) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _read(self, timeout: float) -> dict | None:
        """The next message, or None after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)

    def command(self, method: str, session: str | None = None, timeout: float = 30, **params) -> dict:
        wanted = self._send(method, session, params)
        deadline = time.monotonic() + timeout
        while True:
            message = self._read(max(0.0, deadline - time.monotonic()))
            if message is None:
                raise BrowserError(f"no answer to {method} within {timeout}s")
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            message = self._read(left)
            if message is None:
                return
            if "method" in message:
                self._events.append(message)

    # -- pages ------------------------------------------------------------------------------------
    def _session_events(self, session: str) -> list[dict]:
        return [e for e in self._events if e.get("sessionId") == session]

    def _open(self, path: Path, settle_timeout: float) -> dict:
        """Open a tab on a local file with the network off; returns its state (loading goes on)."""
        url = Path(path).resolve().as_uri()
        target = self.command("Target.createTarget", url="about:blank")["targetId"]
        session = self.command("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.command(f"{domain}.enable", session)
        self.command("Network.emulateNetworkConditions", session, offline=True, latency=0,
                     downloadThroughput=-1, uploadThroughput=-1)
        self.command("Emulation.setDeviceMetricsOverride", session, width=self.width, height=self.height,
                     deviceScaleFactor=1, mobile=False)
        self.command("Page.navigate", session, url=url)
        return {"report": PageReport(url=url), "target": target, "session": session,
                "deadline": time.monotonic() + settle_timeout}

    def _finish(self, tab: dict, screenshot: bool, thumb_scale: float, pdf: dict | None = None,
                probe: str | None = None, full_page: bool = False) -> PageReport:
        """Wait for the tab's load event and its figures; evaluate ``probe`` (a JavaScript expression: once,
        then again half a second later, that value kept, so what the first evaluation set off has acted);
        collect errors; screenshot (the thumbnail area, or with ``full_page`` the whole page at scale 1);
        print to PDF (``pdf``: the options of DevTools' ``Page.printToPDF``); close the tab."""
        report, session, deadline = tab["report"], tab["session"], tab["deadline"]
        try:
            while not any(e["method"] == "Page.loadEventFired" for e in self._session_events(session)):
                if time.monotonic() > deadline:
                    report.errors.append("page did not finish loading")
                    break
                self._pump(0.1)
            # plotly draws asynchronously after the load event: poll until every figure has content
            while True:
                state = self.command("Runtime.evaluate", session, expression=FIGURE_CHECK,
                                     returnByValue=True)["result"].get("value", {})
                if all(f["drawn"] for f in state.get("figures", [])) or time.monotonic() > deadline:
                    break
                if state.get("figures") and not state.get("plotly"):
                    report.errors.append("plotly.js is not loaded: figures cannot draw")
                    break
                self._pump(0.1)
            self._pump(0.2)
            if probe is not None:
                self.command("Runtime.evaluate", session, expression=probe, returnByValue=True)
                self._pump(0.5)
                report.probe = self.command("Runtime.evaluate", session, expression=probe,
                                            returnByValue=True)["result"].get("value")
            report.plotly_loaded = bool(state.get("plotly"))
            report.figures = state.get("figures", [])
            report.text = self.command("Runtime.evaluate", session, expression=VISIBLE_TEXT,
                                       returnByValue=True)["result"].get("value") or ""
            for event in self._session_events(session):
                method, params = event["method"], event.get("params", {})
                if method == "Runtime.exceptionThrown":
                    details = params.get("exceptionDetails", {})
                    text = details.get("exception", {}).get("description") or details.get("text", "")
                    report.errors.append(f"exception: {text.splitlines()[0] if text else details}")
                elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                    args = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                    report.errors.append(f"console.error: {args}")
                elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                    entry = params["entry"]
                    report.errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
                elif method == "Network.requestWillBeSent":
                    request_url = params.get("request", {}).get("url", "")
                    if not request_url.startswith(("file:", "data:", "about:", "blob:")):
                        report.external_requests.append(request_url)
            if screenshot:
                # a tab that is not in front may never paint a frame to capture: bring it forward first
                self.command("Page.bringToFront", session)
                try:
                    if full_page:
                        width, height = self.command("Runtime.evaluate", session, expression=PAGE_SIZE,
                                                     returnByValue=True)["result"]["value"]
                        shot = self.command("Page.captureScreenshot", session, timeout=40, format="png",
                                            captureBeyondViewport=True,
                                            clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
                        report.screenshot_size = (int(width), int(height))
                    else:
                        shot = self.command("Page.captureScreenshot", session, timeout=20, format="png",
                                            clip={**THUMBNAIL_AREA, "scale": thumb_scale})
                    report.screenshot = base64.b64decode(shot["data"])
                except BrowserError as exc:   # no thumbnail for this page; the others go on
                    report.screenshot_error = str(exc)
            if pdf is not None:
                report.pdf = base64.b64decode(self.command("Page.printToPDF", session, timeout=60, **pdf)["data"])
        finally:
            self._events = [e for e in self._events if e.get("sessionId") != session]
            try:
                self.command("Target.closeTarget", targetId=tab["target"], timeout=10)
            except BrowserError:
                pass
        return report

    def load(self, path: Path, screenshot: bool = False, thumb_scale: float = THUMBNAIL_SCALE,
             settle_timeout: float = 20, pdf: dict | None = None) -> PageReport:
        """Open a local file with the network off; wait for figures to draw; report what happened (with
        ``pdf``, the ``Page.printToPDF`` options, the report carries the page printed to PDF)."""
        return self._finish(self._open(path, settle_timeout), screenshot, thumb_scale, pdf)

    def load_many(self, paths: list[Path], screenshot: bool = False, tabs: int = 2,
                  thumb_scale: float = THUMBNAIL_SCALE, settle_timeout: float = 30, pdf: dict | None = None,
                  probe: str | None = None, full_page: bool = False) -> list[PageReport]:
        """Like :meth:`load` for many pages, ``tabs`` of them loading at the same time (in path order);
        with ``pdf`` (``Page.printToPDF`` options) each report carries the page printed to PDF, with ``probe``
        (a JavaScript expression) its value in the page once the figures drew; with ``full_page`` a screenshot
        is of the whole page at scale 1, not the thumbnail area."""
        reports: list[PageReport] = []
        waiting = list(paths)
        open_tabs: list[dict] = []
        while waiting or open_tabs:
            while waiting and len(open_tabs) < max(1, tabs):
                open_tabs.append(self._open(waiting.pop(0), settle_timeout))
            reports.append(self._finish(open_tabs.pop(0), screenshot, thumb_scale, pdf, probe, full_page))
        return reports


def check_pages(paths: list[Path], thumbs_dir: Path | None = None, tabs: int = 2,
                probe: str | None = None, full_page: bool = False, width: int = 1200) -> dict[str, PageReport]:
    """Load every page in one browser (``tabs`` at a time, ``width`` px wide); with ``thumbs_dir``, save a PNG
    thumbnail of each (<stem>.png; with ``full_page``, a screenshot of the whole page); with ``probe`` (a
    JavaScript expression), each report carries its value."""
    with Browser(width=width) as browser:
        loaded = browser.load_many([Path(p) for p in paths], screenshot=thumbs_dir is not None, tabs=tabs,
                                   probe=probe, full_page=full_page)
    reports = {}
    for path, report in zip(paths, loaded):
        if thumbs_dir is not None and report.screenshot:
            thumbs_dir.mkdir(parents=True, exist_ok=True)
            (thumbs_dir / f"{Path(path).stem}.png").write_bytes(report.screenshot)
        reports[str(path)] = report
    return reports
