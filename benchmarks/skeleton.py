"""First figures for `postures`: Submit → score, and time to interactive, against stock tools.

Same notebook, same machine, same run:
- Balise: click on Submit → score shown, in Debian's chromium (median of 5 attempts);
  stock: the `nbgrader autograde` command on the same submission (median of 5).
- Balise's Voila page (signed in, identity injected) and stock `voila` on the same
  release notebook: navigation → Submit button visible (median of 5 each).

Last line: RESULT key=value ... (seconds).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from serving import (
    BIN,
    REPO,
    free_port,
    launch_chromium,
    phone_page,
    serve_balise,
    sign_in_page,
    start,
)

RUNS = 5


def answer_quiz(page) -> None:
    from balise.catalogue.modules import load_catalogue

    # The page asks this attempt's draw from the bank: answer the questions it shows.
    for q in load_catalogue(REPO / "courses")["postures"].quiz:
        ids = [o["id"] for o in q.options]
        radios = page.locator(f".balise-question-{q.id} input[type=radio]")
        if radios.count():
            radios.nth(ids.index(q.answer)).check()


def balise_figures(browser, url: str) -> tuple[list[float], list[float]]:
    page = phone_page(browser)
    sign_in_page(page, url)
    tti, submit = [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        page.goto(url + "voila/render/postures/postures.ipynb")
        page.locator("button.balise-submit").wait_for(state="visible", timeout=60_000)
        tti.append(time.perf_counter() - t0)
        answer_quiz(page)
        t0 = time.perf_counter()
        page.click("button.balise-submit")
        page.locator(".balise-score").wait_for(state="visible", timeout=120_000)
        submit.append(time.perf_counter() - t0)
    return tti, submit


def stock_voila_tti(browser, notebook: Path, work: Path) -> list[float]:
    port = free_port()
    voila = start("voila", [str(BIN / "voila"), "--no-browser", f"--port={port}",
                            "--Voila.ip=127.0.0.1", notebook.name],
                  port, work / "voila.log", cwd=notebook.parent)
    with voila:
        page = phone_page(browser)
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            page.goto(voila.url)
            page.locator("button.balise-submit").wait_for(state="visible", timeout=60_000)
            times.append(time.perf_counter() - t0)
    return times


def stock_autograde(course_root: Path, gradebook_url: str, learner: str) -> list[float]:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run([str(BIN / "nbgrader"), "autograde", "postures", "--student", learner,
                        "--force", f"--CourseDirectory.root={course_root}",
                        f"--CourseDirectory.db_url={gradebook_url}"],
                       check=True, capture_output=True, cwd=course_root)
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="balise-bench-"))
    data = work / "data"
    with serve_balise(data, work / "server.log") as server, sync_playwright() as p:
        browser = launch_chromium(p)
        tti, submit = balise_figures(browser, server.url)
        release = data / "course" / "release" / "postures" / "postures.ipynb"
        stock_tti = stock_voila_tti(browser, release, work)
        browser.close()
    stock_grade = stock_autograde(data / "course", f"sqlite:///{data / 'gradebook.db'}", "amina")
    med = statistics.median
    print(f"Submit -> score shown (Balise, browser): {[round(t, 2) for t in submit]}")
    print(f"nbgrader autograde command:              {[round(t, 2) for t in stock_grade]}")
    print(f"Time to interactive, Balise page:        {[round(t, 2) for t in tti]}")
    print(f"Time to interactive, stock voila:        {[round(t, 2) for t in stock_tti]}")
    shutil.rmtree(work, ignore_errors=True)
    print(f"RESULT submit_to_score_s={med(submit):.2f} stock_autograde_cmd_s={med(stock_grade):.2f}"
          f" balise_tti_s={med(tti):.2f} stock_voila_tti_s={med(stock_tti):.2f} runs={RUNS}")


if __name__ == "__main__":
    main()
