"""Soak: many page opens, most abandoned; page kernels and the server's memory stay bounded.

Issue 18, item 5. ``balise serve`` with Balise's configuration, its page kernels
culled after ``--idle`` seconds idle and unconnected (Balise's own setting is 20
minutes, too long for a run of 15: the culler is the same, only its timeout is
shorter). Learners (``--learners`` accounts, each signed in once) open ``--opens``
module pages, evenly over ``--seconds`` seconds, the modules in turn. Each page is
opened as her browser would: the page fetched (from the pool of pages rendered
ahead, or rendered on demand), the kernel's websocket connected and answered once
(``kernel_info_reply``). She reads for a time drawn between ``--read`` MIN and MAX
seconds, then:

- two pages in three (``--abandoned``) are **abandoned without closing the tab**: the
  websocket is cut without a close handshake and no shutdown call is made, as when a
  phone sleeps, loses its signal or kills the browser. Only the culler can end these;
- the others are **closed**: the websocket closed, then Voila's shutdown call (sent by
  the page when its tab closes);
- pages opened in the run's last ``--keep`` seconds stay **open** (connected) to the end.

At the end, once the culler has had ``--idle`` seconds and two of its rounds:

- live page kernels (the server's own ``ipykernel`` children) are at most the pages
  still open plus the pages the pool keeps waiting (modules × ``PagePool.size``);
- the server process's memory (RSS) is within ``--memory`` (10 %) of its start, read
  once the server was up, the pool full and one page of each module opened and closed
  (the imports and caches a server makes once, not per page);
- every page opened whole (a kernel id and the submit button in it).

Exit status 1 if any of these fails. Last line:
RESULT opens=... abandoned=... closed=... open_at_end=... live_kernels=... bound=...
rss_start_mb=... rss_end_mb=... rss_ratio=... page_p50_s=... page_p95_s=... errors=...
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from load import close_page, connect_kernel, percentile
from serving import REPO, serve_balise, sign_in

from balise.web.warm_kernels import page_kernel_pids

MODULES = ["culture", "ppe", "postures", "warehouse", "loading", "heights", "road", "weee",
           "dismantling", "fire-first-aid", "screen-work", "site-logistics"]
PASSWORD = "soak-test"
MB = 1024 * 1024


@dataclass
class Soak:
    url: str
    server: psutil.Process
    opened: list[float] = field(default_factory=list)     # seconds to the page, each open
    errors: list[str] = field(default_factory=list)
    fates: dict[str, int] = field(default_factory=lambda: {"abandoned": 0, "closed": 0,
                                                            "open": 0})
    still_open: list = field(default_factory=list)         # websockets kept to the end


def add_learners(data: Path, names: list[str]) -> None:
    from balise.passwords import hash_password
    from balise.store.models import Person, Store

    store = Store(f"sqlite:///{data / 'balise.db'}")
    hashed = hash_password(PASSWORD)
    with store.session() as s:
        for name in names:
            if s.get(Person, name) is None:
                s.add(Person(id=name, name=name, role="learner", password_hash=hashed))
    store.dispose()


def live_kernels(server: psutil.Process) -> list[str]:
    """The server's own kernels alive, by id: module pages' and the pool's (grading kernels
    are the grading workers' children)."""
    found = []
    for child in map(psutil.Process, page_kernel_pids(server.pid)):
        try:
            command = " ".join(child.cmdline())
            if "ipykernel_launcher" in command and child.status() != psutil.STATUS_ZOMBIE:
                kernel = re.search(r"kernel-([0-9a-f-]{36})\.json", command)
                found.append(kernel.group(1) if kernel else command[-60:])
        except psutil.Error:
            continue
    return found


def page_kernels(server: psutil.Process) -> int:
    return len(live_kernels(server))


def pool_ready(log: Path) -> int:
    """Pages waiting in the pool, read in the server's log (balise.web.page_pool)."""
    text = log.read_text(errors="replace")
    made = re.findall(r"page of \S+ rendered ahead \(kernel ([0-9a-f-]{36})\)", text)
    gone = set(re.findall(r"page of \S+ (?:given|dropped) \(kernel ([0-9a-f-]{36})\)", text))
    return len([k for k in made if k not in gone])


async def open_page(soak: Soak, http: httpx.AsyncClient, module: str) -> str:
    """Her page of ``module``: its kernel id, once the page is whole."""
    started = time.monotonic()
    r = await http.get(f"voila/render/{module}/{module}.ipynb", timeout=300)
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', r.text)
    if r.status_code != 200 or not found or "balise-submit" not in r.text:
        raise RuntimeError(f"{module}: HTTP {r.status_code}, page not whole")
    soak.opened.append(time.monotonic() - started)
    return found.group(1)


async def visit(soak: Soak, http: httpx.AsyncClient, n: int, module: str, delay: float,
                read: float, fate: str) -> None:
    await asyncio.sleep(delay)
    try:
        kernel = await open_page(soak, http, module)
        ws = await connect_kernel(soak, http, kernel, timeout=120)
        if fate == "open":
            soak.still_open.append(ws)
        else:
            await asyncio.sleep(read)
            if fate == "abandoned":
                ws.transport.abort()            # no close frame, no shutdown call
            else:
                await close_page(http, ws, kernel)
        soak.fates[fate] += 1
    except Exception as e:        # noqa: BLE001 - counted, the run goes on
        soak.errors.append(f"open {n} ({module}): {type(e).__name__}: {e}"[:300])


async def warm(soak: Soak, http: httpx.AsyncClient) -> None:
    """One page of each module opened and closed: the server's one-time imports and caches."""
    for module in MODULES:
        kernel = await open_page(soak, http, module)
        await close_page(http, await connect_kernel(soak, http, kernel, timeout=120),
                         kernel)
    soak.opened.clear()


async def drive(soak: Soak, args, names: list[str], log: Path) -> dict:
    clients = {name: httpx.AsyncClient(base_url=soak.url, timeout=300,
                                           follow_redirects=True) for name in names}
    try:
        for name, http in clients.items():
            await sign_in(http, name, PASSWORD)
        await warm(soak, clients[names[0]])
        await wait_for_pool(log, len(MODULES) * args.pool_size, 600)
        await asyncio.sleep(2)
        rss_start = soak.server.memory_info().rss
        print(f"start: server RSS {rss_start / MB:.0f} MB, {page_kernels(soak.server)} page "
              f"kernels (the pool's)", flush=True)

        rng = random.Random(18)
        gap = args.seconds / args.opens
        visits = []
        for n in range(args.opens):
            delay = n * gap
            if delay >= args.seconds - args.keep:
                fate = "open"
            elif rng.random() < args.abandoned:
                fate = "abandoned"
            else:
                fate = "closed"
            visits.append(visit(soak, clients[names[n % len(names)]], n,
                                MODULES[n % len(MODULES)], delay,
                                rng.uniform(*args.read), fate))
        started = time.monotonic()
        progress = asyncio.ensure_future(report_progress(soak, args, started))
        await asyncio.gather(*visits)
        progress.cancel()
        print(f"all opened in {time.monotonic() - started:.0f} s; waiting {args.idle} s, "
              f"two culling rounds and a look at the memory", flush=True)
        # Every page not kept open is closed or cut by now (gather); culled once idle.
        await asyncio.sleep(args.idle + 2 * args.interval + args.collect + 5)
        await wait_for_pool(log, len(MODULES) * args.pool_size, 300)
        await asyncio.sleep(2)
        kernels = live_kernels(soak.server)
        live = len(kernels)
        text = log.read_text(errors="replace")
        for kernel in kernels:                  # what each live kernel is, by the log
            lines = [line[:150] for line in text.splitlines() if kernel in line]
            print(f"  live kernel {kernel}: {lines[-1] if lines else '?'}", flush=True)
        rss_end = soak.server.memory_info().rss
        still_open = len(soak.still_open)
        for ws in soak.still_open:
            await ws.close()
        return {"live": live, "rss_start": rss_start, "rss_end": rss_end,
                "still_open": still_open}
    finally:
        for http in clients.values():
            await http.aclose()


async def wait_for_pool(log: Path, count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while pool_ready(log) < count and time.monotonic() < deadline:
        await asyncio.sleep(1)


async def report_progress(soak: Soak, args, started: float) -> None:
    while True:
        await asyncio.sleep(max(10.0, args.seconds / 10))
        print(f"  {time.monotonic() - started:4.0f} s: {len(soak.opened)} opened, "
              f"{page_kernels(soak.server)} page kernels live, server RSS "
              f"{soak.server.memory_info().rss / MB:.0f} MB, {len(soak.errors)} errors",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=900)
    parser.add_argument("--abandoned", type=float, default=2 / 3)
    parser.add_argument("--read", type=float, nargs=2, default=(5, 30), metavar=("MIN", "MAX"))
    parser.add_argument("--keep", type=float, default=45,
                        help="pages opened in the run's last KEEP seconds stay open")
    parser.add_argument("--idle", type=int, default=60, help="culling timeout for this run")
    parser.add_argument("--interval", type=int, default=5, help="seconds between culls")
    parser.add_argument("--collect", type=int, default=60,
                        help="the server's memory looked at every COLLECT s (balise.web.memory)")
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--memory", type=float, default=0.10)
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args()

    from balise.config import load_config
    args.pool_size = load_config(str(REPO / "jupyter_config.py")).PagePool.get("size", 1)

    folder = Path(tempfile.mkdtemp(prefix="balise-soak-"))
    config = folder / "jupyter_config.py"
    config.write_text(f"load_subconfig({str(REPO / 'jupyter_config.py')!r})\n"
                      f"c.MappingKernelManager.cull_idle_timeout = {args.idle}\n"
                      f"c.MappingKernelManager.cull_interval = {args.interval}\n"
                      f"c.MemoryKeeper.interval = {args.collect}\n")
    names = [f"soak{n:02d}" for n in range(args.learners)]
    print(f"soak: {args.opens} page opens over {args.seconds:.0f} s, {args.abandoned:.0%} "
          f"abandoned without closing the tab, reading {args.read[0]:.0f}-{args.read[1]:.0f} "
          f"s, pages of the last {args.keep:.0f} s kept open; culling after {args.idle} s "
          f"idle (looked at every {args.interval} s); {args.learners} learners", flush=True)
    server = serve_balise(folder / "data", folder / "server.log", config=config,
                          own_session=True, seconds=300)
    ok = False
    try:
        add_learners(folder / "data", names)
        soak = Soak(server.url, psutil.Process(server.proc.pid))
        wall = time.monotonic()
        end = asyncio.run(drive(soak, args, names, folder / "server.log"))
        bound = end["still_open"] + len(MODULES) * args.pool_size
        ratio = end["rss_end"] / end["rss_start"]
        print(f"end after {time.monotonic() - wall:.0f} s: {end['live']} page kernels live "
              f"(bound {end['still_open']} open + {len(MODULES) * args.pool_size} waiting in "
              f"the pool = {bound}); server RSS {end['rss_start'] / MB:.0f} -> "
              f"{end['rss_end'] / MB:.0f} MB ({ratio:.3f}); pages opened in "
              f"{statistics.median(soak.opened) if soak.opened else 0:.2f} s median", flush=True)
        for error in soak.errors[:10]:
            print("  error:", error)
        collected = [float(ms) for ms in re.findall(
            r"memory collected after \d+ kernels ended \((\d+) ms\)",
            (folder / "server.log").read_text(errors="replace"))]
        if collected:
            print(f"  the server's collections: {len(collected)}, "
                  f"{statistics.median(collected):.0f} ms median, {max(collected):.0f} ms at most")
        checks = {"kernels bounded": end["live"] <= bound,
                  "memory back": ratio <= 1 + args.memory,
                  "every page whole": not soak.errors}
        for name, held in checks.items():
            print(f"  {name}: {'holds' if held else 'FAILS'}")
        ok = all(checks.values())
        print(f"RESULT opens={args.opens} abandoned={soak.fates['abandoned']} "
              f"closed={soak.fates['closed']} open_at_end={end['still_open']} "
              f"live_kernels={end['live']} bound={bound} "
              f"rss_start_mb={end['rss_start'] / MB:.0f} rss_end_mb={end['rss_end'] / MB:.0f} "
              f"rss_ratio={ratio:.3f} page_p50_s={percentile(soak.opened, 0.5):.2f} "
              f"page_p95_s={percentile(soak.opened, 0.95):.2f} errors={len(soak.errors)}",
              flush=True)
    finally:
        server.stop()
        if ok and not args.keep_data:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept: {folder} (server.log)", file=sys.stderr)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
