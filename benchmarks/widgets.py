"""Action → feedback in the browser, for every scenario kind, against a stock ipywidgets round trip.

A Balise server (`balise serve`, demo data) serves the widget gallery; in
Debian's chromium the learner's action (a click, or a slider moved) is
dispatched from the page and the time until the widget's feedback (or the
lift's live figures) changes in the DOM is read with a MutationObserver,
50 times per kind. Two more series in the same run and the same Voila:
- the server path: a `postures` scenario, whose answer is saved and checked
  by the Balise server (kernel → HTTP → store) before the feedback shows;
- stock: a plain ipywidgets ToggleButtons whose observer writes an HTML
  widget, the least a widget round trip costs here.

Target (issue #4): p95 at most 100 ms for every kind. Last line:
RESULT choice_p95_ms=... ... max_p95_ms=... postures_p95_ms=... stock_p95_ms=... actions=50
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright
from serving import launch_chromium, phone_page, serve_balise, sign_in_page

ACTIONS = int(os.environ.get("BALISE_BENCH_ACTIONS", "50"))

# Dispatches a click (or a slider move) and resolves with the milliseconds until
# the watched element's subtree changes.
TIMED = """
([act, watch, value]) => new Promise((resolve, reject) => {
  const target = document.querySelector(watch);
  const element = document.querySelector(act);
  if (!target || !element) { reject(new Error(`missing ${!target ? watch : act}`)); return; }
  const obs = new MutationObserver(() => { obs.disconnect(); resolve(performance.now() - t0); });
  obs.observe(target, {childList: true, subtree: true, characterData: true});
  const t0 = performance.now();
  if (value === null) { element.click(); }
  else { element.value = value; element.dispatchEvent(new Event('input', {bubbles: true})); }
  setTimeout(() => { obs.disconnect(); reject(new Error(`no change in ${watch}`)); }, 10000);
})
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def timed(page, act: str, watch: str, value: str | None = None) -> float:
    return page.evaluate(TIMED, [act, watch, value])


def settle(page) -> None:
    """Let the kernel's answer to an untimed step arrive before the next timed one."""
    page.wait_for_timeout(60)


def kind_series(page) -> dict[str, list[float]]:
    """Per kind: an untimed step that flips the answer right/wrong, then the timed action."""
    g = ".balise-gallery-"
    fb = " .balise-feedback"
    out: dict[str, list[float]] = {k: [] for k in
                                   ("choice", "multi", "ordering", "hazard", "matching",
                                    "story", "lift", "ppe")}
    # Bring each kind to one step from its right answer.
    for option in ("a", "c"):
        page.click(f"{g}multi .balise-option-{option}")
    for button in ("down-1", "down-2", "down-3", "up-3"):       # ppe, avoid, ... → right
        page.click(f"{g}ordering button.balise-{button}")
    for zone in ("far-lift", "heavy-alone"):
        page.click(f"{g}hazard button.balise-zone-{zone}")
    # Meanings by place in each list ("—" first): forbidden, mandatory, danger, rescue, fire.
    pairs = {"red-circle": 1, "blue-circle": 2, "yellow-triangle": 3, "green-square": 4}
    for item, index in pairs.items():
        page.select_option(f"{g}matching .balise-pair-{item} select", index=index)
    for option in ("gloves", "helmet"):
        page.click(f"{g}ppe .balise-option-{option}")
    settle(page)
    for n in range(ACTIONS):
        pick = "b" if n % 2 == 0 else "a"
        nth = 2 if pick == "b" else 1
        out["choice"].append(timed(page, f"{g}choice .widget-toggle-button:nth-child({nth})",
                                   f"{g}choice{fb}"))
        page.click(f"{g}multi .balise-option-d")
        settle(page)
        out["multi"].append(timed(page, f"{g}multi button.balise-check", f"{g}multi{fb}"))
        if n:
            page.click(f"{g}ordering button.balise-down-1")
            settle(page)
        out["ordering"].append(timed(page, f"{g}ordering button.balise-check",
                                     f"{g}ordering{fb}"))
        page.click(f"{g}hazard button.balise-zone-pallet")
        settle(page)
        out["hazard"].append(timed(page, f"{g}hazard button.balise-check", f"{g}hazard{fb}"))
        page.select_option(f"{g}matching .balise-pair-red-square select",
                           index=5 if n % 2 == 0 else 1)
        settle(page)
        out["matching"].append(timed(page, f"{g}matching button.balise-check",
                                     f"{g}matching{fb}"))
        out["story"].append(timed(page, f"{g}story button.balise-choice-c1", f"{g}story{fb}"))
        page.click(f"{g}story button.balise-again-story")
        settle(page)
        out["lift"].append(timed(page, f"{g}lift .balise-measure-H input[type=range]",
                                 f"{g}lift .balise-lift-readout", str(30 + n % 2 * 10)))
        page.click(f"{g}ppe .balise-option-shoes")
        settle(page)
        out["ppe"].append(timed(page, f"{g}ppe button.balise-check", f"{g}ppe{fb}"))
    return out


def postures_series(page, url: str) -> list[float]:
    """The server path: postures' first scenario, saved and checked by the server."""
    page.goto(url + "voila/render/postures/postures.ipynb")
    page.locator("button.balise-submit").wait_for(state="visible", timeout=60_000)
    scenario = page.locator(".balise-kind-choice").first
    scenario.evaluate("el => el.classList.add('bench-target')")
    times = []
    for n in range(ACTIONS):
        nth = 2 if n % 2 == 0 else 1
        times.append(timed(page, f".bench-target .widget-toggle-button:nth-child({nth})",
                           ".bench-target .balise-feedback"))
    return times


def stock_series(page, url: str) -> list[float]:
    page.goto(url + "voila/render/gallery/stock.ipynb")
    page.locator(".stock-out").wait_for(state="attached", timeout=60_000)
    return [timed(page, f".stock-pick .widget-toggle-button:nth-child({1 + n % 2})",
                  ".stock-out") for n in range(ACTIONS)]


STOCK = """import ipywidgets as w
pick = w.ToggleButtons(options=["A", "B"], value=None)
pick.add_class("stock-pick")
out = w.HTML()
out.add_class("stock-out")
pick.observe(lambda change: setattr(out, "value", f"<p>{change['new']}</p>"), names="value")
w.VBox([pick, out])"""


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="balise-widgets-bench-"))
    data = work / "data"
    try:
        with serve_balise(data, work / "server.log") as server, sync_playwright() as p:
            url = server.url
            stock = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STOCK)])
            stock.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}
            nbformat.write(stock, data / "course" / "release" / "gallery" / "stock.ipynb")
            browser = launch_chromium(p)
            page = phone_page(browser)
            sign_in_page(page, url)
            page.goto(url + "voila/render/gallery/gallery.ipynb")
            page.locator(".balise-gallery-ppe").wait_for(state="visible", timeout=60_000)
            series = kind_series(page)
            series_postures = postures_series(page, url)
            series_stock = stock_series(page, url)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = statistics.median
    for name, values in [*series.items(), ("postures (server)", series_postures),
                         ("stock ipywidgets", series_stock)]:
        print(f"{name:20} median {med(values):6.1f} ms  p95 {p95(values):6.1f} ms  "
              f"max {max(values):6.1f} ms  n={len(values)}")
    kinds = " ".join(f"{k}_p95_ms={p95(v):.0f}" for k, v in series.items())
    worst = max(p95(v) for v in series.values())
    print(f"RESULT {kinds} max_p95_ms={worst:.0f} postures_p95_ms={p95(series_postures):.0f} "
          f"stock_p95_ms={p95(series_stock):.0f} actions={ACTIONS}")


if __name__ == "__main__":
    main()
