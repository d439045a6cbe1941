"""Load: learners open `postures`, answer and submit while the grading worker is SIGKILLed.

Loopback only, bounded in count (``--learners``, at most ``--concurrency`` at a time)
and in time (``--deadline`` seconds for the whole run). Each simulated learner, with
httpx and a kernel websocket, does what her browser would, arriving and taking her
time as a person would (the arrival model, printed at the start of a run):

- arrivals spread evenly over ``--ramp`` seconds (default 120: a group of 100 starting
  a session over two minutes);
- once her page is open, she reads and answers for a think time drawn evenly between
  ``--think`` MIN and MAX seconds (default 30 to 90), spread over her answers, then
  submits. A real module takes 10-20 minutes: the default compresses that about
  tenfold, so a run lasts minutes and the server sees about ten times the real rate
  of submissions from a group this size.

``--ramp 0 --think 0 0 --concurrency 20`` is the old all-at-once model: everyone
arrives together, twenty at a time are let in, and each submits the moment her page
is open (a stress test, no one works like that).

1. signs in (``/login`` form with its ``_xsrf`` cookie) and lands on her page;
2. opens the module: Voila starts her kernel, runs the release notebook, sends the
   page, which must hold every widget a page rendered before the load holds (under
   load Voila may send a page with widgets missing: an error); she connects the
   kernel's websocket and waits for ``kernel_info_reply``; her kernel's memory (RSS
   and USS) is read then, her page open and idle;
3. saves each answer, then submits, with the identity token the server would have
   handed her kernel (signed with the server's secret): the submit call waits for
   the grade; submit -> score is timed from sending the POST to the graded reply;
4. closes the page: websocket closed, kernel shut down (Voila's ``beforeunload`` call).

While they run, the grading worker is killed with SIGKILL ``--kills`` times, spaced
by the count of submissions sent (at 1/4, 2/4, 3/4 of them for 3 kills), each time
while an attempt is pending (or after 30 s without one). The worker killed is the one
grading, the holder of the grading lease (``grading.lock`` in the data folder), not a
warm standby. p95 is over every submission, those made around the kills included.
Afterwards the store and nbgrader's gradebook must hold,
for every accepted submission, one graded attempt and one gradebook submission with
all its grades, all right. Errors: learners who failed a step (a call refused or
timed out, a page incomplete, a result not graded in full) or were not done in time.
``--config`` serves with another configuration. The server runs in a session of its
own, as it would on its own machine: the load driver does not share its CPU share.

``--kill-server``: besides the worker kills, the server itself is SIGKILLed once, when
half the submissions are sent (and one is pending, or 30 s on), and started again on
its port and data folder. Only its process is killed: its grading workers and page
kernels are left orphans (the workers stop by themselves once they see their
supervisor gone, the page kernels once they see their parent gone; any still
running when the run ends is killed then). Every
learner cut off, her page open or arriving while the server is down, reloads once it
answers: she signs in again if her session is gone, opens the page (a new kernel),
finds there every answer the server had said it saved (the page's own call, GET
``balise/api/answers``), and goes on. If she had sent her submission, the page shows
her result once graded; until then she sends it again, the same submission (same id),
which the server answers with the attempt it already holds. Afterwards every answer
saved before the kill must be in the store, every submission graded once, and every
learner done; else the run exits with status 1.

Last line: RESULT learners=... errors=... p95_s=... median_s=... mb_per_learner=...
kills=... lost=... (mb_per_learner: mean RSS of a learner's kernel, page open); with
``--kill-server``, also server_kills=1 server_down_s=... cut_off=... finished=...
answers_before=... answers_found=... (lost: attempts and answers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from serving import REPO, Server, serve_balise, sign_in
from websockets.asyncio.client import connect as ws_connect

from balise.web.warm_kernels import page_kernel_pids

MODULE = "postures"
PAGE = f"voila/render/{MODULE}/{MODULE}.ipynb"
PASSWORD = "load-test"
VIEW = "application/vnd.jupyter.widget-view+json"   # one per widget output on the page
MB = 1024 * 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


@dataclass
class Run:
    """What the learners, the killer and the sampler share."""

    url: str
    server: psutil.Process
    data: Path
    secret: bytes
    module: object                  # postures, as the catalogue reads it

    def right(self, name: str) -> dict:
        """Every item of the learner's first attempt right: the scenarios and her draw."""
        from balise.catalogue.draw import right_answers

        return right_answers(self.module, name, 1)
    views: int = 0                  # widget outputs on a page rendered before the load
    submits_sent: int = 0
    finished: int = 0
    failed: int = 0
    kills: list[dict] = field(default_factory=list)
    worker_pids: set[int] = field(default_factory=set)
    seen: dict[int, tuple[float, str]] = field(default_factory=dict)   # pid -> (start, kind)
    cpu: dict[str, dict[int, float]] = field(default_factory=dict)
    # CPU seconds each process had used when the learners started (the server's start-up,
    # its course build and first pages are not the learners'), and the driver's.
    cpu_before: dict[int, float] = field(default_factory=dict)
    driver_cpu_before: float = 0.0
    peak_kernels_mb: float = 0.0
    peak_kernels: int = 0
    peak_server_mb: float = 0.0
    # --kill-server: a page opened before the server's last start is gone with it.
    generation: int = 0
    up: asyncio.Event | None = None         # set while the server answers
    open_pages: set[str] = field(default_factory=set)
    answers: dict[str, dict] = field(default_factory=dict)   # each learner's saved answers
    submissions: dict[str, str] = field(default_factory=dict)  # learner -> submission id
    restarts: list[Server] = field(default_factory=list)
    server_kill: dict = field(default_factory=dict)


class CutOff(Exception):
    """Her page went with the killed server (or the server is down): she reloads."""


@dataclass
class Learner:
    name: str
    times: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    kernel_rss_mb: float | None = None
    kernel_uss_mb: float | None = None
    attempt: str | None = None
    submit_span: tuple[float, float] | None = None
    saved: dict[str, object] = field(default_factory=dict)   # answers the server said saved
    submission: str | None = None         # her submission's id, once sent
    signed_in: bool = False
    reloads: int = 0
    cut_off: bool = False                 # by the server kill, her page open or not yet
    page_lost: bool = False               # cut off with her page open
    session_lost: bool = False            # signed in again after the restart
    missing: list[str] = field(default_factory=list)   # saved before, not there after
    done: bool = False                    # her graded result in full

    async def step(self, phase: str, coro):
        phase = f"{phase} (reload)" if self.reloads else phase
        t0 = time.monotonic()
        try:
            result = await coro
        except Exception as err:
            raise RuntimeError(f"{phase}: {type(err).__name__}: {err}"[:300]) from err
        self.times[phase] = time.monotonic() - t0
        return result


# --- the learners' accounts, the server's processes ------------------------------------

def add_learners(store, names: list[str]) -> None:
    from balise.passwords import hash_password
    from balise.store.models import Person

    hashed = hash_password(PASSWORD)                     # one hash: argon2 is slow on purpose
    with store.session() as s:
        for name in names:
            s.add(Person(id=name, name=name, role="learner", password_hash=hashed))


def kind(proc: psutil.Process, server_pid: int) -> str:
    """server, worker, page kernel (Voila), grading (the worker's kernels, feedback), other."""
    if proc.pid == server_pid:
        return "server"
    cmd = " ".join(proc.cmdline())
    if "balise.grading.worker" in cmd:
        return "worker"
    if "balise.web.warm_kernels" in cmd:
        return "warm process"
    if "ipykernel_launcher" in cmd and (proc.ppid() == server_pid or "balise.web.warm_kernels"
                                        in " ".join(psutil.Process(proc.ppid()).cmdline())):
        return "page kernel"
    return "grading"


# --- one learner -------------------------------------------------------------------------

async def open_page(run: Run, http: httpx.AsyncClient, name: str) -> tuple[str | None, str]:
    """Her kernel's id, and what is wrong with the page: '' when it has every widget."""
    r = await http.get(PAGE, timeout=300)
    found = re.search(r'"kernelId": "([0-9a-f-]{36})"', r.text)
    views = r.text.count(VIEW)
    if r.status_code == 200 and found and views >= run.views and "balise-submit" in r.text:
        return found.group(1), ""
    (run.data.parent / f"page-{name}.html").write_text(r.text)
    return found and found.group(1), (
        f"open page: HTTP {r.status_code}, kernel id {'found' if found else 'missing'}, "
        f"{views} of {run.views} widgets (Voila's IOPub timeout?); kept as page-{name}.html")


async def probe(run: Run, name: str) -> None:
    """Render the page once before the load: how many widgets a whole page has."""
    async with httpx.AsyncClient(base_url=run.url, timeout=120, follow_redirects=True) as http:
        await sign_in(http, name, PASSWORD)
        r = await http.get(PAGE)
        run.views = r.text.count(VIEW)
        found = re.search(r'"kernelId": "([0-9a-f-]{36})"', r.text)
        if not run.views or not found or "balise-submit" not in r.text:
            sys.exit(f"the unloaded page is not whole ({run.views} widgets): see the server log")
        await close_page(http, None, found.group(1))


async def connect_kernel(run: Run, http: httpx.AsyncClient, kernel: str,
                         timeout: float = 60):
    """The page's websocket to its kernel, answered once (kernel_info_reply) before use.

    ``run``: anything with the server's ``url`` (benchmarks/soak.py passes its own)."""
    cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    ws = await ws_connect(
        f"ws{run.url[4:]}api/kernels/{kernel}/channels?session_id={uuid.uuid4()}",
        additional_headers={"Cookie": cookies}, open_timeout=timeout, max_size=None)
    msg_id = uuid.uuid4().hex
    await ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "kernel_info_request", "username": "",
                   "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell",
        "buffers": []}))

    async def reply() -> None:
        while True:
            msg = json.loads(await ws.recv())
            if (msg.get("msg_type") == "kernel_info_reply"
                    and msg["parent_header"].get("msg_id") == msg_id):
                return

    try:
        await asyncio.wait_for(reply(), timeout)
    except BaseException:
        await ws.close()
        raise
    return ws


def kernel_memory(run: Run, kernel: str) -> tuple[float, float]:
    for proc in map(psutil.Process, page_kernel_pids(run.server.pid)):
        try:
            if f"kernel-{kernel}.json" in " ".join(proc.cmdline()):
                info = proc.memory_full_info()
                return info.rss / MB, info.uss / MB
        except psutil.Error:        # a worker just killed, a kernel just shut down
            continue
    raise RuntimeError(f"no process for kernel {kernel}")


async def post_json(http: httpx.AsyncClient, path: str, token: str, payload: dict,
                    timeout: float = 30) -> dict:
    r = await http.post(path, json=payload, timeout=timeout,
                        headers={"Authorization": f"Bearer {token}"})
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code} {r.text[:200]}")
    return r.json()


def on_page(run: Run, gen: int) -> None:
    """Her page is the running server's: else it went with the killed one (CutOff)."""
    if run.generation != gen:
        raise CutOff("her page went with the killed server")


async def answer_all(run: Run, http: httpx.AsyncClient, token: str, me: Learner,
                     think: float, gen: int) -> None:
    """Each answer not saved yet after her share of ``think`` seconds; the last share
    before she submits."""
    answers = run.right(me.name)
    pause = think / (len(answers) + 1)
    for item, answer in answers.items():
        if item in me.saved:
            continue
        await asyncio.sleep(pause)
        on_page(run, gen)
        reply = await post_json(http, "balise/api/answer", token,
                                {"module": MODULE, "item": item, "answer": answer})
        if not reply.get("saved"):
            raise RuntimeError(f"{item} not saved: {reply}")
        me.saved[item] = answer
    await asyncio.sleep(pause)


async def submit(run: Run, http: httpx.AsyncClient, token: str, me: Learner, gen: int) -> dict:
    """Send her submission (again, the same one, after a reload) and wait for its grade."""
    quiz = {k: v for k, v in run.right(me.name).items() if run.module.question(k)}
    on_page(run, gen)
    t0 = time.monotonic()
    if me.submission is None:
        me.submission = run.submissions[me.name] = uuid.uuid4().hex
        run.submits_sent += 1
    result = await post_json(http, "balise/api/submit", token,
                             {"module": MODULE, "submission_id": me.submission,
                              "answers": quiz}, timeout=300)
    me.submit_span = (t0, time.monotonic())
    graded(me, result)
    return result


def graded(me: Learner, result: dict) -> None:
    me.attempt = result.get("attempt")
    if result.get("status") != "graded" or result.get("percent") != 100:
        raise RuntimeError(f"not graded in full: {json.dumps(result)[:200]}")
    me.done = True


async def reopened(http: httpx.AsyncClient, token: str, me: Learner) -> dict | None:
    """What her reloaded page is given (the page's own call): every answer she saved must be
    there; her result, if her submission was graded meanwhile."""
    r = await http.get(f"balise/api/answers?module={MODULE}",
                       headers={"Authorization": f"Bearer {token}"})
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code} {r.text[:200]}")
    held, last = r.json()["answers"], r.json().get("last")
    for item, answer in list(me.saved.items()):
        if held.get(item) != json.loads(json.dumps(answer)):
            me.missing.append(f"{item}={answer!r} (page has {held.get(item)!r})")
            del me.saved[item]                      # she answers it again
    return last if last and last.get("status") == "graded" else None


async def close_page(http: httpx.AsyncClient, ws, kernel: str) -> None:
    if ws is not None:
        await ws.close()
    r = await http.post(f"voila/api/shutdown/{kernel}",
                        headers={"X-XSRFToken": http.cookies.get("_xsrf", "")})
    if r.status_code != 204:
        raise RuntimeError(f"HTTP {r.status_code}")


async def signed_in(http: httpx.AsyncClient) -> bool:
    r = await http.get("balise/learner")
    return r.status_code == 200 and r.url.path.startswith("/balise/learner")


async def visit(run: Run, http: httpx.AsyncClient, me: Learner, think: float) -> None:
    """Sign in (after a reload, only if her session is gone), open the page, answer what is
    not saved, submit, close the page. CutOff when the server is killed meanwhile."""
    from balise.tokens import sign

    gen, kernel, ws = run.generation, None, None
    try:
        if not (me.signed_in and await signed_in(http)):
            me.session_lost = me.signed_in
            await me.step("sign in", sign_in(http, me.name, PASSWORD))
            me.signed_in = True
        kernel, problem = await me.step("open page", open_page(run, http, me.name))
        if problem:
            raise RuntimeError(problem)     # her kernel is still shut down, below
        run.open_pages.add(me.name)
        ws = await me.step("kernel websocket", connect_kernel(run, http, kernel))
        if me.kernel_rss_mb is None:
            me.kernel_rss_mb, me.kernel_uss_mb = kernel_memory(run, kernel)
        token = sign(run.secret, me.name, MODULE, 240)
        if me.reloads:
            last = await me.step("saved answers", reopened(http, token, me))
            if last:
                graded(me, last)        # her page shows her result: she is done
                return
        await me.step("think and answer", answer_all(run, http, token, me, think, gen))
        await me.step("submit -> score", submit(run, http, token, me, gen))
    except Exception as err:
        if run.generation != gen or not run.up.is_set():
            me.cut_off = True
            me.page_lost = me.page_lost or kernel is not None
            raise CutOff(str(err)) from err
        raise
    finally:
        run.open_pages.discard(me.name)
        if run.generation != gen:
            if ws is not None:          # her kernel is the killed server's orphan
                await ws.close()
        elif kernel is not None:
            try:
                await me.step("close page", close_page(http, ws, kernel))
            except Exception as err:
                if run.generation == gen:
                    me.error = me.error or str(err)


async def learner(run: Run, name: str, gate: asyncio.Semaphore, delay: float,
                  think: float) -> Learner:
    me = Learner(name)
    run.answers[name] = me.saved
    await asyncio.sleep(delay)
    async with gate, httpx.AsyncClient(base_url=run.url, timeout=60,
                                       follow_redirects=True) as http:
        while True:
            try:
                await visit(run, http, me, think)
                break
            except CutOff as err:
                if me.reloads >= 2:
                    me.error = f"cut off {me.reloads + 1} times, last: {err}"
                    break
                await run.up.wait()         # she reloads until the server answers
                me.reloads += 1
            except Exception as err:
                me.error = str(err)
                break
    run.finished += 1
    run.failed += me.error is not None
    return me


# --- killing the worker, watching memory and CPU --------------------------------------------

def pending_count(store) -> int:
    from sqlalchemy import func, select

    from balise.store.models import Attempt

    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Attempt)
                        .where(Attempt.status == "pending"))


def live_worker(run: Run) -> psutil.Process | None:
    """The worker that grades: the lease holder, if alive and a worker of this server."""
    from balise.grading.lease import holder

    pid = holder(run.data)
    try:
        children = run.server.children()
    except psutil.NoSuchProcess:            # the server killed, not started again yet
        return None
    for proc in children:
        try:
            if proc.pid == pid and "balise.grading.worker" in " ".join(proc.cmdline()):
                return proc
        except psutil.NoSuchProcess:
            continue
    return None


async def killer(run: Run, store, learners: int, kills: int) -> None:
    """SIGKILL the worker at evenly spaced counts of submissions sent, when one is pending.

    Only a worker of the running server: not while the server is down (--kill-server)."""
    for k in range(1, kills + 1):
        while run.submits_sent < round(learners * k / (kills + 1)):
            await asyncio.sleep(0.1)
        give_up = time.monotonic() + 30
        while True:
            pending = await asyncio.to_thread(pending_count, store)
            worker = live_worker(run) if run.up.is_set() else None
            fresh = worker is not None and worker.pid not in {x["pid"] for x in run.kills}
            if fresh and (pending or time.monotonic() > give_up):
                break
            await asyncio.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        run.kills.append({"pid": worker.pid, "at": time.monotonic(), "wall": time.time(),
                          "pending": pending, "sent": run.submits_sent})
        print(f"  kill {k}: worker {worker.pid} SIGKILLed, {pending} attempt(s) pending, "
              f"{run.submits_sent} submitted", flush=True)


def family(procs: list[psutil.Process]) -> list[psutil.Process]:
    """These processes and all their descendants still running."""
    found = {}
    for proc in procs:
        try:
            for p in [proc, *proc.children(recursive=True)]:
                found[p.pid] = p
        except psutil.NoSuchProcess:
            continue
    return list(found.values())


async def server_killer(run: Run, store, learners: int, server: Server, config: Path,
                        log: Path) -> None:
    """SIGKILL the server alone once half the submissions are sent, one pending (or after
    30 s without), then start it again on its port and data folder.

    Its orphans (grading workers and their kernels, page kernels) go into ``run.seen``,
    for :func:`stop_everything` to kill those still running at the end.
    """
    from balise.store.models import Attempt

    while run.submits_sent < round(learners / 2):
        await asyncio.sleep(0.1)
    give_up = time.monotonic() + 30
    while not (pending := await asyncio.to_thread(pending_count, store)) \
            and time.monotonic() < give_up:
        await asyncio.sleep(0.05)
    doomed = run.server
    orphans = family([doomed])
    os.kill(doomed.pid, signal.SIGKILL)
    run.generation += 1
    run.up.clear()
    t0 = time.monotonic()
    kill = run.server_kill = {
        "at": t0, "wall": time.time(), "pending": pending, "sent": run.submits_sent,
        "open_pages": len(run.open_pages),
        "saved": {name: dict(answers) for name, answers in run.answers.items() if answers},
        "submitted": dict(run.submissions)}
    print(f"  server {doomed.pid} SIGKILLed: {pending} attempt(s) pending, "
          f"{run.submits_sent} submitted, {len(run.open_pages)} pages open", flush=True)
    await asyncio.to_thread(server.proc.wait)
    kill["in_store"] = set(store.frame(Attempt).id)
    orphans = family([p for p in orphans if p.pid != doomed.pid])
    for proc in orphans:
        try:
            run.seen.setdefault(proc.pid, (proc.create_time(), "orphan"))
        except psutil.NoSuchProcess:
            continue
    kill["orphans"] = len(orphans)
    port = int(server.url.rstrip("/").rsplit(":", 1)[1])
    again = await asyncio.to_thread(serve_balise, run.data, log, config=config, demo=False,
                                    own_session=True, seconds=300, port=port)
    run.restarts.append(again)
    run.server = psutil.Process(again.proc.pid)
    kill["down_s"] = time.monotonic() - t0
    run.up.set()
    kill["orphans_left"] = sum(p.is_running() for p in orphans)
    print(f"  server started again as {run.server.pid} after {kill['down_s']:.1f} s; of the "
          f"killed one's {len(orphans)} orphans, {kill['orphans_left']} still running",
          flush=True)


def sample(run: Run) -> None:
    """Peak memory of the page kernels and the server; CPU seconds per kind of process."""
    try:
        procs = [run.server, *run.server.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    kernels_mb, kernels = 0.0, 0
    for proc in procs:
        try:
            what = kind(proc, run.server.pid)
            run.seen.setdefault(proc.pid, (proc.create_time(), what))
            cpu = proc.cpu_times()
            run.cpu.setdefault(what, {})[proc.pid] = cpu.user + cpu.system
            if what == "worker":
                run.worker_pids.add(proc.pid)
            elif what == "page kernel":
                kernels_mb += proc.memory_info().rss / MB
                kernels += 1
            elif what == "server":
                run.peak_server_mb = max(run.peak_server_mb, proc.memory_info().rss / MB)
        except psutil.NoSuchProcess:
            continue
    if kernels_mb > run.peak_kernels_mb:
        run.peak_kernels_mb, run.peak_kernels = kernels_mb, kernels


def baseline(run: Run) -> None:
    """The CPU seconds each process has used before the learners start, subtracted from
    what the summary reports (it counted the server's start-up as the learners')."""
    for proc in [run.server, *run.server.children(recursive=True)]:
        try:
            cpu = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        run.cpu_before[proc.pid] = cpu.user + cpu.system
    run.driver_cpu_before = time.process_time()


async def sampler(run: Run, stop: asyncio.Event) -> None:
    start = last = time.monotonic()
    while not stop.is_set():
        sample(run)
        if time.monotonic() - last >= 30:
            last = time.monotonic()
            print(f"  {last - start:4.0f} s: {run.finished} learners done ({run.failed} with "
                  f"errors), {run.submits_sent} submitted", flush=True)
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            pass


async def drive(run: Run, store, names: list[str], concurrency: int, kills: int,
                deadline: float, ramp: float, think: tuple[float, float],
                seed: int, server_kill=None) -> list[Learner]:
    """``server_kill``: the :func:`server_killer` coroutine, given the learners' count."""
    gate = asyncio.Semaphore(concurrency)
    stop = asyncio.Event()
    run.up = asyncio.Event()
    run.up.set()
    baseline(run)
    watch = asyncio.create_task(sampler(run, stop))
    kill = asyncio.create_task(killer(run, store, len(names), kills))
    restart = server_kill and asyncio.create_task(server_kill(len(names)))
    draw = random.Random(seed)
    tasks = [asyncio.create_task(learner(run, name, gate, i * ramp / len(names),
                                         draw.uniform(*think)))
             for i, name in enumerate(names)]
    done, late = await asyncio.wait(tasks, timeout=deadline)
    for task in late:
        task.cancel()
    if not kill.done():
        print(f"  only {len(run.kills)} of {kills} kills before the learners were done")
        kill.cancel()
    if restart and not run.generation:
        print("  the server was not killed before the learners were done")
        restart.cancel()
    elif restart:
        await restart                   # a server started again is stopped at the end
    stop.set()
    await watch
    return [t.result() if t in done else Learner(n, error="deadline passed")
            for t, n in zip(tasks, names)]


# --- checking and reporting --------------------------------------------------------------

def check_once(run: Run, store, learners: list[Learner], wait: float) -> dict:
    """Accepted (by the server, or replied to) against graded once in store and gradebook.

    Also, for each kill, seconds until the next attempt was graded (the restarted worker).
    """
    import pandas as pd

    from balise.grading import grades_frame
    from balise.store.models import Attempt

    deadline = time.monotonic() + wait
    while pending_count(store) and time.monotonic() < deadline:
        time.sleep(0.5)
    attempts = store.frame(Attempt)
    book = grades_frame(f"sqlite:///{run.data / 'gradebook.db'}")
    accepted = set(attempts.id) | {me.attempt for me in learners if me.attempt}
    graded = attempts[attempts.status == "graded"]
    per_learner = graded.groupby("learner_id").id.count()
    rows = book[book.module == MODULE].groupby("learner")
    complete = {who for who, g in rows
                if len(g) == len(run.module.grade_names) and g.question.is_unique
                and (g.score == g.max_score).all()}
    once = {a.id for a in graded.itertuples()
            if per_learner[a.learner_id] == 1 and a.learner_id in complete}
    stamps = sorted(pd.to_datetime(graded.graded_at, utc=True).map(pd.Timestamp.timestamp))
    recovery = [next((t - k["wall"] for t in stamps if t > k["wall"]), float("nan"))
                for k in run.kills]
    return {"accepted": len(accepted), "graded_once": len(accepted & once), "recovery": recovery,
            "lost": len(accepted - once),
            "not_graded": sorted(set(attempts.status) - {"graded"})}


def check_server_kill(run: Run, store, learners: list[Learner]) -> dict:
    """What the server kill cost: answers saved before it not in the store after, or not
    on a reopened page; submissions sent before it not graded; learners cut off."""
    from balise.store.models import Attempt, SavedAnswer

    kill = run.server_kill
    rows = store.frame(SavedAnswer, SavedAnswer.module_id == MODULE)
    held = {(r.learner_id, r.item): json.loads(r.value) for r in rows.itertuples()}
    before = [(name, item, answer) for name, answers in kill["saved"].items()
              for item, answer in answers.items()]
    missing = [f"{name} {item}={answer!r} (store has {held.get((name, item))!r})"
               for name, item, answer in before
               if held.get((name, item)) != json.loads(json.dumps(answer))]
    attempts = store.frame(Attempt).set_index("id").status
    unsent = [f"{name} {sid} ({attempts.get(sid, 'not in the store')})"
              for name, sid in kill["submitted"].items() if attempts.get(sid) != "graded"]
    in_store = sum(sid in kill["in_store"] for sid in kill["submitted"].values())
    return {"answers_before": len(before), "answers_found": len(before) - len(missing),
            "missing": missing, "on_pages": [f"{me.name} {m}" for me in learners
                                             for m in me.missing],
            "submitted": len(kill["submitted"]), "in_store": in_store, "not_graded": unsent,
            "cut_off": sum(me.cut_off for me in learners),
            "page_lost": sum(me.page_lost for me in learners),
            "session_lost": sum(me.session_lost for me in learners)}


def report_server_kill(run: Run, cost: dict) -> None:
    kill = run.server_kill
    print(f"server kill: with {kill['sent']} submitted, {kill['pending']} pending, "
          f"{kill['open_pages']} pages open; down {kill['down_s']:.1f} s; {kill['orphans']} "
          f"orphans ({kill['orphans_left']} running at the restart)")
    print(f"  cut off {cost['cut_off']} learners ({cost['page_lost']} with their page open, "
          f"the others signing in or opening it), {cost['session_lost']} signed in again; "
          f"answers saved "
          f"before the kill found after it: {cost['answers_found']} of "
          f"{cost['answers_before']} in the store, {len(cost['on_pages'])} missing on a "
          f"reopened page; submissions sent before the kill: {cost['submitted']}, "
          f"{cost['in_store']} in the store at the kill, {len(cost['not_graded'])} not graded")
    for line in cost["missing"] + cost["on_pages"] + cost["not_graded"]:
        print(f"  lost: {line}")


def summary(run: Run, learners: list[Learner], wall: float) -> None:
    phases: list[str] = []
    for me in learners:
        phases += [p for p in me.times if p not in phases]
    print(f"{'phase':25} {'n':>4} {'median s':>9} {'p95 s':>7} {'max s':>7}")
    for phase in phases:
        values = [me.times[phase] for me in learners if phase in me.times]
        print(f"{phase:25} {len(values):4d} {statistics.median(values):9.2f} "
              f"{percentile(values, 0.95):7.2f} {max(values):7.2f}")
    errors = [me for me in learners if me.error]
    for me in errors[:10]:
        print(f"  error, {me.name}: {me.error}")
    spans = [me for me in learners if me.submit_span and not me.error]
    kills = [*run.kills, *([run.server_kill] if run.server_kill else [])]
    calm = [me.submit_span[1] - me.submit_span[0] for me in spans
            if not any(me.submit_span[0] - 15 <= k["at"] <= me.submit_span[1] for k in kills)]
    if calm:
        print(f"submit -> score away from kills (no kill during it or in the 15 s before): "
              f"n={len(calm)} median {statistics.median(calm):.2f} s "
              f"p95 {percentile(calm, 0.95):.2f} s")
    rss = [me.kernel_rss_mb for me in learners if me.kernel_rss_mb]
    uss = [me.kernel_uss_mb for me in learners if me.kernel_uss_mb]
    if rss:
        print(f"page kernel, page open: RSS median {statistics.median(rss):.1f} MB "
              f"(max {max(rss):.1f}), USS median {statistics.median(uss):.1f} MB; peak "
              f"{run.peak_kernels_mb:.0f} MB for {run.peak_kernels} kernels at once; "
              f"server RSS peak {run.peak_server_mb:.0f} MB")
    cpu = {what: sum(secs - run.cpu_before.get(pid, 0.0) for pid, secs in pids.items())
           for what, pids in run.cpu.items()}
    cpu["load driver"] = time.process_time() - run.driver_cpu_before
    print(f"CPU seconds over {wall:.0f} s wall on {os.cpu_count()} cores, from the "
          "learners' start: "
          + ", ".join(f"{what} {secs:.0f}" for what, secs in sorted(cpu.items(),
                                                                     key=lambda x: -x[1])))
    # Per page open: the page kernels' and the warm process's CPU is all pages'; the
    # server's is pages' and the rest of the visit (sign-in, answers, submission).
    opens = sum(1 + me.reloads for me in learners)
    pages = {what: secs / opens for what, secs in cpu.items()
             if what in ("server", "page kernel", "warm process")}
    print(f"CPU seconds per page open ({opens} opens): "
          + ", ".join(f"{what} {secs:.2f}" for what, secs in pages.items())
          + f"; together {sum(pages.values()):.2f} (the server's share includes each "
          "learner's sign-in, answers and submission)")


def stop_everything(server: Server, run: Run | None) -> None:
    """Stop the server (and the one started again after it was killed), then kill what they
    started and left running (seen by the sampler, and the killed one's orphans)."""
    for each in [server, *(run.restarts if run else [])]:
        each.stop()
    left = []
    for pid, (created, what) in (run.seen.items() if run else []):
        try:
            p = psutil.Process(pid)
            if p.create_time() == created:
                left.append(f"{what} {pid} {' '.join(p.cmdline())[:80]}")
                p.kill()
        except psutil.NoSuchProcess:
            continue
    for line in left:
        print(f"  still running after the server stopped, killed: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=100,
                        help="learners in flight at once (default 100: no one waits to start)")
    parser.add_argument("--ramp", type=float, default=120,
                        help="seconds over which arrivals are spread evenly (default 120; "
                             "0: all at once)")
    parser.add_argument("--think", type=float, nargs=2, default=(30, 90),
                        metavar=("MIN", "MAX"),
                        help="seconds a learner reads and answers before submitting, drawn "
                             "evenly (default 30 90, a 10-20 minute module compressed about "
                             "tenfold; 0 0: she submits at once)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the think times")
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs of the grading worker")
    parser.add_argument("--deadline", type=float, default=900,
                        help="seconds for all learners (default 900); late ones count as errors")
    parser.add_argument("--config", type=Path, default=REPO / "jupyter_config.py",
                        help="the server's configuration (default the repository's)")
    parser.add_argument("--kill-server", action="store_true",
                        help="SIGKILL the server itself once, half the submissions sent, "
                             "and start it again: the learners cut off reload")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (server log, failed pages)")
    args = parser.parse_args()

    from balise.catalogue.modules import load_catalogue
    from balise.store.models import Store
    from balise.tokens import load_secret

    work = Path(tempfile.mkdtemp(prefix="balise-load-"))
    data = work / "data"
    print(f"load average before: {os.getloadavg()[0]:.1f}; starting the server...", flush=True)
    server = serve_balise(data, work / "server.log", config=args.config.resolve(), demo=False,
                          own_session=True, seconds=300)
    run = store = None
    try:
        module = load_catalogue(REPO / "courses")[MODULE]
        store = Store(f"sqlite:///{data / 'balise.db'}")
        names = [f"learner{i:03d}" for i in range(args.learners)]
        add_learners(store, [*names, "probe"])
        run = Run(url=server.url, server=psutil.Process(server.proc.pid), data=data,
                  secret=load_secret(data / "secret.key"),
                  module=module)
        asyncio.run(probe(run, "probe"))
        print(f"{args.learners} learners, at most {args.concurrency} at once, arriving over "
              f"{args.ramp:.0f} s, thinking {args.think[0]:.0f}-{args.think[1]:.0f} s before "
              f"submitting; {args.kills} worker kills"
              f"{', the server killed once' if args.kill_server else ''}, on {server.url}; "
              f"a whole page has "
              f"{run.views} widgets", flush=True)
        server_kill = (lambda n: server_killer(run, store, n, server, args.config.resolve(),
                                               work / "server-again.log")
                       ) if args.kill_server else None
        t0 = time.monotonic()
        learners = asyncio.run(drive(run, store, names, args.concurrency, args.kills,
                                     args.deadline, args.ramp, tuple(args.think), args.seed,
                                     server_kill))
        wall = time.monotonic() - t0
        sample(run)                                     # the worker restarted last, too
        counts = check_once(run, store, learners, wait=120)
        summary(run, learners, wall)
        print(f"accepted {counts['accepted']}, graded once {counts['graded_once']}, lost "
              f"{counts['lost']}; kill -> next grade: "
              f"{', '.join(f'{r:.1f} s' for r in counts['recovery']) or '-'}; workers "
              f"seen {len(run.worker_pids)}; other statuses {counts['not_graded'] or 'none'}")
        cost = run.server_kill and check_server_kill(run, store, learners)
        if cost:
            report_server_kill(run, cost)
    finally:
        if store is not None:
            store.dispose()
        stop_everything(server, run)
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    submits = [me.submit_span[1] - me.submit_span[0] for me in learners if me.submit_span]
    rss = [me.kernel_rss_mb for me in learners if me.kernel_rss_mb]
    errors = sum(1 for me in learners if me.error)
    print(f"RESULT learners={len(learners)} errors={errors} "
          f"p95_s={percentile(submits, 0.95):.2f} "
          f"median_s={statistics.median(submits) if submits else 0:.2f} "
          f"mb_per_learner={statistics.mean(rss) if rss else 0:.1f} kills={len(run.kills)} "
          + (server_result(run, learners, counts, cost) if args.kill_server
             else f"lost={counts['lost']}"))
    finished = sum(me.done for me in learners)
    if args.kill_server and (not cost or finished < len(learners) or errors
                             or counts["lost"] or cost["missing"] or cost["on_pages"]
                             or cost["not_graded"]):
        sys.exit(1)


def server_result(run: Run, learners: list[Learner], counts: dict, cost: dict | None) -> str:
    """The RESULT line's keys of a --kill-server run; lost: attempts and answers."""
    if not cost:
        return f"server_kills=0 finished={sum(me.done for me in learners)} lost={counts['lost']}"
    return (f"server_kills=1 server_down_s={run.server_kill['down_s']:.1f} "
            f"cut_off={cost['cut_off']} finished={sum(me.done for me in learners)} "
            f"answers_before={cost['answers_before']} answers_found={cost['answers_found']} "
            f"lost={counts['lost'] + len(cost['missing']) + len(cost['on_pages'])}")


if __name__ == "__main__":
    main()
