"""Module pages, issue 18 items 1-4: Balise beside stock Voila on the same notebooks, same run.

For every module (``--modules`` to pick some), in Debian's chromium at 360 x 740:
- time to interactive: navigation -> the first usable widget (the Submit button
  visible, as benchmarks/skeleton.py), ``--runs`` opens in one fresh browser context
  (the first one with an empty cache), median; Balise signed in as ``amina``, stock
  ``voila`` serving the same release notebooks (one server, its tree mode);
- page weight (Balise): requests and bytes of the first open (empty cache) and of the
  second open, from chromium's network events (``Network.loadingFinished``'s
  ``encodedDataLength``: headers and body as sent, gzip included; the websocket's
  frames are not counted, nor data: URLs);
- requests to another host (Balise, every open): any host but the server's own;
  both browsers have such requests aborted at once, so that no DNS wait counts;
- measured once Balise's pool holds a page of every module (its start-up work done,
  about 20 s after a start here); a page opened before then competes with that work;
- slow phone: a fresh context (empty cache), chromium's network emulation 1.6 Mbps
  down, 750 kbps up, 150 ms latency, CPU throttled 4x: navigation -> first usable
  widget, one open each for Balise and stock Voila.

Last line: RESULT tti_median_s (the median over modules of Balise's median),
stock_voila_tti_s (same for stock), ratio (the worst module's Balise/stock),
first_open_kb and repeat_open_kb (the heaviest module's), third_party_requests (all
modules), slow_phone_s (the slowest module's, Balise) and stock_slow_phone_s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from serving import BIN, REPO, free_port, launch_chromium, serve_balise, sign_in_page, start

from balise.catalogue.modules import load_catalogue

NAN = float("nan")
VIEWPORT = {"width": 360, "height": 740}
USABLE = "button.balise-submit"
# Item 4's phone: 1.6 Mbps down, 750 kbps up (bytes/s for CDP), 150 ms, CPU 4x slower.
SLOW_NET = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
            "uploadThroughput": 750_000 / 8}
SLOW_CPU = 4
CDN = ["cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "fonts.googleapis.com"]


class Meter:
    """A browser context whose network chromium reports through CDP: requests and bytes
    of each open, requests to another host (known CDNs refused at once)."""

    def __init__(self, browser, origin: str):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.origin = origin
        self.foreign: list[str] = []
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        # Not Playwright's routing: it turns chromium's cache off. Stock Voila's CDN
        # links are refused at once (no DNS wait is measured); every request to another
        # host is counted all the same.
        self.cdp.send("Network.setBlockedURLs", {"urls": [f"*{h}*" for h in CDN]})
        self.sent: set[str] = set()
        self.cached: set[str] = set()
        self.bytes: dict[str, float] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished",
                    lambda e: self.bytes.__setitem__(e["requestId"], e["encodedDataLength"]))

    def _sent(self, e) -> None:
        url = e["request"]["url"]
        if url.startswith(("data:", "blob:")):
            return
        if urlsplit(url).netloc != self.origin:
            self.foreign.append(url)
        self.sent.add(e["requestId"])

    def _received(self, e) -> None:
        r = e["response"]
        if r.get("fromDiskCache") or r.get("fromPrefetchCache") or r.get("fromServiceWorker"):
            self.cached.add(e["requestId"])

    def slow(self) -> None:
        self.cdp.send("Network.emulateNetworkConditions", SLOW_NET)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_CPU})

    def open(self, url: str) -> tuple[float, int, float]:
        """Seconds to the first usable widget, requests that went to the network (not
        answered by the browser's cache), KB; counted 1.5 s after it was usable."""
        self.sent.clear()
        self.cached.clear()
        self.bytes.clear()
        t0 = time.perf_counter()
        try:
            self.page.goto(url, wait_until="commit", timeout=180_000)
            self.page.locator(USABLE).first.wait_for(state="visible", timeout=180_000)
        except PlaywrightError as e:             # noted in the table, not a figure
            print(f"  {url}: not usable ({str(e).splitlines()[0]})", flush=True)
            return NAN, len(self.sent), NAN
        seconds = time.perf_counter() - t0
        self.page.wait_for_timeout(1500)       # what the page still loads once usable
        kb = sum(self.bytes.get(r, 0) for r in self.sent) / 1024
        return seconds, len(self.sent - self.cached), kb

    def close(self) -> None:
        self.context.close()


def median(values) -> float:
    """The median of the opens that became usable (nan if none did)."""
    done = [v for v in values if v == v]
    return statistics.median(done) if done else NAN


def worst(values) -> float:
    """The largest, or nan if any open never became usable (a failure is the worst)."""
    values = list(values)
    return NAN if any(v != v for v in values) else max(values)


def given_from_pool(log: Path, module: str) -> int:
    """How many pages of ``module`` the server has given from its pool so far (its log)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return text.count(f"page of {module}/{module}.ipynb given")


def wait_for_pool(log: Path, modules: list[str], timeout: float = 300) -> float:
    """Seconds until Balise has rendered a page of every module ahead (its log): the
    server's start-up work, done once after a start, is not measured against stock
    Voila's (which has none); a page opened meanwhile competes with it for the CPU."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        text = log.read_text(errors="replace") if log.exists() else ""
        if all(f"page of {m}/{m}.ipynb rendered ahead" in text for m in modules):
            break
        time.sleep(0.5)
    return time.monotonic() - started


def measure_balise(browser, url: str, module: str, runs: int, log: Path) -> dict:
    """Also says, open by open, whether the page came from the pool (rendered ahead)
    or was rendered on demand: the two give two groups of times."""
    origin = urlsplit(url).netloc
    page_url = url + f"voila/render/{module}/{module}.ipynb"

    def timed(meter):
        before = given_from_pool(log, module)
        result = meter.open(page_url)
        return result, given_from_pool(log, module) > before

    m = Meter(browser, origin)
    sign_in_page(m.page, url)
    opens, pooled = zip(*(timed(m) for _ in range(runs)))
    m.close()
    slow = Meter(browser, origin)
    sign_in_page(slow.page, url)
    slow.slow()
    (slow_s, *_), slow_pooled = timed(slow)
    slow.close()
    how = ", ".join(f"{o[0]:.2f} s ({'pool' if p else 'on demand'})"
                    for o, p in zip(opens, pooled))
    print(f"  {module}: opens {how}; slow phone {slow_s:.2f} s "
          f"({'pool' if slow_pooled else 'on demand'})", flush=True)
    return {"tti": median(o[0] for o in opens),
            "first_req": opens[0][1], "first_kb": opens[0][2],
            "repeat_req": opens[1][1], "repeat_kb": opens[1][2],
            "foreign": len(m.foreign) + len(slow.foreign), "slow": slow_s}


def measure_stock(browser, url: str, module: str, runs: int) -> dict:
    origin = urlsplit(url).netloc
    page_url = url + f"voila/render/{module}/{module}.ipynb"
    m = Meter(browser, origin)
    opens = [m.open(page_url) for _ in range(runs)]
    m.close()
    slow = Meter(browser, origin)
    slow.slow()
    slow_s = slow.open(page_url)[0]
    slow.close()
    return {"tti": median(o[0] for o in opens), "first_kb": opens[0][2],
            "first_req": opens[0][1], "slow": slow_s}


def main() -> None:
    catalogue = sorted(load_catalogue(REPO / "courses"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", nargs="+", choices=catalogue, default=catalogue,
                        metavar="MODULE", help=f"some of: {' '.join(catalogue)}")
    parser.add_argument("--runs", type=int, default=3, help="opens per module for the "
                        "time to interactive (at least 2: the second is the repeat open)")
    args = parser.parse_args()
    runs = max(2, args.runs)
    work = Path(tempfile.mkdtemp(prefix="balise-pages-"))
    data = work / "data"
    rows = []
    with serve_balise(data, work / "server.log") as balise, sync_playwright() as p:
        release = data / "course" / "release"
        port = free_port()
        stock = start("voila", [str(BIN / "voila"), "--no-browser", f"--port={port}",
                                "--Voila.ip=127.0.0.1"],
                      port, work / "voila.log", cwd=release)
        with stock:
            settled = wait_for_pool(work / "server.log", args.modules)
            print(f"  Balise's pool had a page of every module after {settled:.0f} s "
                  "(measured from then)", flush=True)
            browser = launch_chromium(p)
            # Neither server's first page counts (the grading workers warm up as Balise
            # starts; each server's first kernel): one open of each, not measured.
            for url, signed in ((balise.url, True), (stock.url, False)):
                m = Meter(browser, urlsplit(url).netloc)
                if signed:
                    sign_in_page(m.page, url)
                m.open(url + f"voila/render/{args.modules[0]}/{args.modules[0]}.ipynb")
                m.close()
            for module in args.modules:
                b = measure_balise(browser, balise.url, module, runs, work / "server.log")
                s = measure_stock(browser, stock.url, module, runs)
                rows.append((module, b, s))
                print(f"  {module}: measured", flush=True)
            browser.close()
    shutil.rmtree(work, ignore_errors=True)

    print(f"\nModule pages at 360 px, {runs} opens each (median), Balise beside stock Voila, "
          "same notebooks, same run. Machine shared with other work: compare within a line.")
    head = (f"{'module':15} {'tti B':>6} {'tti V':>6} {'ratio':>5} {'first KB':>9} {'req':>4} "
            f"{'repeat KB':>9} {'req':>4} {'V first KB':>10} {'slow B':>7} {'slow V':>7}")
    print(head)
    print("-" * len(head))
    for module, b, s in rows:
        print(f"{module:15} {b['tti']:6.2f} {s['tti']:6.2f} {b['tti'] / s['tti']:5.2f} "
              f"{b['first_kb']:9.0f} {b['first_req']:4d} {b['repeat_kb']:9.0f} "
              f"{b['repeat_req']:4d} {s['first_kb']:10.0f} {b['slow']:7.2f} {s['slow']:7.2f}")
    med = median
    print("tti: navigation -> Submit visible (s); KB: headers + body as sent; "
          "slow: 1.6 Mbps / 750 kbps / 150 ms, CPU 4x, empty cache (s)")
    print(f"RESULT tti_median_s={med(b['tti'] for _, b, _ in rows):.2f}"
          f" stock_voila_tti_s={med(s['tti'] for _, _, s in rows):.2f}"
          f" ratio={worst(b['tti'] / s['tti'] for _, b, s in rows):.2f}"
          f" first_open_kb={worst(b['first_kb'] for _, b, _ in rows):.0f}"
          f" repeat_open_kb={worst(b['repeat_kb'] for _, b, _ in rows):.0f}"
          f" third_party_requests={sum(b['foreign'] for _, b, _ in rows)}"
          f" slow_phone_s={worst(b['slow'] for _, b, _ in rows):.2f}"
          f" stock_slow_phone_s={worst(s['slow'] for _, _, s in rows):.2f}"
          f" modules={len(rows)} runs={runs}")


if __name__ == "__main__":
    main()
