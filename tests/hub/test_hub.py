"""`balise hub` for real: JupyterHub, configurable-http-proxy, PostgreSQL, chromium.

One hub on loopback with Balise as its shared service, every database on a
throwaway PostgreSQL cluster. A learner signs in at the hub, takes `postures`
through the hub's proxy and reads her score; her trainer signs in at the hub
and sees it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect
from shared import ARGS, BIN, CHROMIUM, free_port
from sqlalchemy import create_engine, text

from balise.catalogue.draw import drawn
from balise.catalogue.modules import load_catalogue

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
# Seconds for everything, from starting the hub to the trainer's page (about 35 s on the
# 2-core machine); the hub's stop after it takes a few more, 15 at most.
BUDGET = 150


class Hub:
    def __init__(self, url: str, proc: subprocess.Popen, log: Path, db_url: str):
        self.url, self.proc, self.log, self.db_url = url, proc, log, db_url
        self.deadline = time.monotonic() + BUDGET

    def ms_left(self) -> float:
        """Milliseconds of the budget left: the longest any one wait may take."""
        return max(1000.0, (self.deadline - time.monotonic()) * 1000)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def wait_for_service(hub: Hub) -> None:
    """Until the proxy routes to a running Balise, which sends strangers to the hub's OAuth."""
    while time.monotonic() < hub.deadline:
        if hub.proc.poll() is not None:
            raise RuntimeError(f"balise hub exited:\n{hub.tail()}")
        try:
            r = requests.get(hub.url + "services/balise/balise", allow_redirects=False,
                             timeout=2)
            if r.status_code == 302 and "/hub/api/oauth2/authorize" in r.headers["Location"]:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass        # not up yet, or still building its modules on a busy machine
        time.sleep(0.5)
    raise RuntimeError(f"balise hub did not start in time:\n{hub.tail()}")


def stop(proc: subprocess.Popen, folder: Path) -> None:
    """SIGTERM: the hub stops its service and proxy; what is left of the group is killed.

    JupyterHub starts the proxy in a session of its own: a hub killed before its
    clean-up leaves it running, so its pid file (in the hub's folder) says what to end."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)     # the session the test started, and only it
    except ProcessLookupError:
        pass
    proc.wait(5)
    pid_file = folder / "jupyterhub-proxy.pid"
    try:
        pid = int(pid_file.read_text().strip())
        if b"configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass        # no pid file, or the proxy already ended with the hub


@pytest.fixture(scope="module")
def hub(postgres, tmp_path_factory):
    if not PROXY.exists():
        pytest.fail(f"{PROXY} is missing: npm ci (make install-test does it)")
    folder = tmp_path_factory.mktemp("hub")
    port = free_port()
    config = folder / "jupyter_config.py"
    config.write_text(
        f"load_subconfig({str(REPO / 'jupyter_config.py')!r})\n"
        f"c.BaliseHub.hub_port = {free_port()}\n"
        f"c.BaliseHub.proxy_api_port = {free_port()}\n"
        f"c.BaliseHub.service_port = {free_port()}\n"
        f"c.BaliseHub.proxy_command = [{str(PROXY)!r}]\n")
    # A plain postgresql:// URL, as an operator would type it.
    db_url = postgres.create_db("balise_hub").replace("postgresql+psycopg://", "postgresql://")
    log = folder / "hub.log"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen(
        [str(BIN / "balise"), "--config", str(config), "hub", "--data", str(folder / "data"),
         "--courses", str(REPO / "courses"), "--port", str(port), "--db-url", db_url],
        cwd=folder, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env,
        start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}/", proc, log, db_url)
    try:
        wait_for_service(hub)
    except BaseException:
        # Whatever stopped the wait (a timeout of requests too), the hub and the Balise
        # service it started are ended: a failed start once left a service running for
        # an hour, its grading workers restarting over a deleted folder.
        stop(proc, folder)
        raise
    yield hub
    stop(proc, folder)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def sign_in_at_hub(page, hub: Hub, who: str) -> None:
    page.goto(hub.url + "hub/login")
    page.fill("#username_input", who)
    page.fill("#password_input", f"demo-{who}")
    page.click("#login_submit")


def order_steps(scenario, steps: list[dict], wanted: list[str]) -> None:
    """Move each step up to its place with the arrows, checking the list after each move."""
    order = [s["id"] for s in steps]
    text = {s["id"]: s["fr"] for s in steps}
    for place, step in enumerate(wanted, start=1):
        while (at := order.index(step) + 1) > place:
            scenario.locator(f"button.balise-up-{at}").click()
            order[at - 2], order[at - 1] = order[at - 1], order[at - 2]
            expect(scenario.locator(f".balise-step-{at - 1}")).to_contain_text(text[step])


def answer_everything_right(page, module) -> None:
    first, second, third = (page.locator(".balise-scenario").nth(i) for i in range(3))
    choice = module.scenario("s1")
    label = "ABC"[[o["id"] for o in choice.public_data["options"]].index(choice.right_answer)]
    first.get_by_role("button", name=label, exact=True).click()
    expect(first.locator(".balise-feedback")).to_contain_text("Bonne réponse")

    ordering = module.scenario("s2")
    order_steps(second, ordering.public_data["steps"], ordering.right_answer)
    second.locator("button.balise-check").click()
    expect(second.locator(".balise-feedback")).to_contain_text("Bonne réponse")

    for name, value in module.scenario("s3").right_answer.items():
        box = third.locator(f".balise-measure-{name} input[type=number]")
        box.fill(str(value))
        box.press("Enter")
        expect(third.locator(f".balise-measure-{name} input[type=range]")).to_have_value(
            str(value))
    third.locator("button.balise-check").click()
    expect(third.locator(".balise-feedback")).to_contain_text("Bonne réponse")

    for q in (module.question(qid) for qid in drawn(module, "yusuf", 1)):
        ids = [o["id"] for o in q.options]
        radio = page.locator(f".balise-question-{q.id} input[type=radio]").nth(
            ids.index(q.answer))
        radio.check()
        expect(radio).to_be_checked()


def test_learner_takes_postures_through_the_hub_and_trainer_sees_score(hub, browser):
    module = load_catalogue(REPO / "courses")["postures"]
    total = len(module.grade_names)
    learner = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    trainer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    sign_in_at_hub(learner, hub, "yusuf")
    # The hub sends her on to the Balise service, which learns who she is by OAuth.
    expect(learner).to_have_url(re.compile(r"/services/balise/balise/learner$"))
    card = learner.locator(".module-row", has=learner.locator("#open-postures"))
    expect(card.get_by_text("À faire")).to_be_visible()
    learner.click("#open-postures")
    expect(learner).to_have_url(re.compile(r"/services/balise/voila/render/postures/"))
    submit = learner.locator("button.balise-submit")
    expect(submit).to_be_visible(timeout=hub.ms_left())
    answer_everything_right(learner, module)
    submit.click()
    result = learner.locator(".balise-result")
    expect(result).to_contain_text("Votre note", timeout=hub.ms_left())
    expect(result).to_contain_text(f"{total} / {total}")
    expect(result.locator(".balise-q-right")).to_have_count(total)
    # Her hub group is `learner`: the trainer's page stays closed to her.
    assert learner.goto(hub.url + "services/balise/balise/trainer").status == 403

    sign_in_at_hub(trainer, hub, "formatrice")
    expect(trainer).to_have_url(re.compile(r"/services/balise/balise/trainer$"))
    # His card on her group page: his route now certified (his other modules and his
    # validations were there before); his page: the postures score and one attempt.
    card = trainer.locator("#person-yusuf")
    expect(card).to_contain_text("6/6 modules · 2/2 validations")
    expect(card).to_contain_text("Parcours certifié")
    trainer.goto(hub.url + "services/balise/balise/person/yusuf")
    postures = trainer.locator("#module-postures")
    expect(postures).to_contain_text(f"{total} / {total}")
    expect(postures).to_contain_text("Essais : 1")

    # All three on PostgreSQL, each in its schema: the hub put her in the group of her
    # role, Balise recorded the attempt, nbgrader the grades.
    engine = create_engine(hub.db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as db:
        groups = db.execute(text(
            "SELECT g.name FROM hub.groups g JOIN hub.user_group_map m ON m.group_id = g.id "
            "JOIN hub.users u ON u.id = m.user_id WHERE u.name = 'yusuf'")).scalars().all()
        # Postures only: the demo group has him through the rest of his route already.
        attempts = db.execute(text("SELECT status FROM balise.attempts WHERE learner_id = "
                                   "'yusuf' AND module_id = 'postures'")).scalars().all()
        graded = db.execute(text(
            "SELECT count(*) FROM gradebook.submitted_assignment s "
            "JOIN gradebook.student t ON t.id = s.student_id "
            "JOIN gradebook.assignment a ON a.id = s.assignment_id "
            "WHERE t.id = 'yusuf' AND a.name = 'postures'")).scalar()
    engine.dispose()
    assert groups == ["learner"] and attempts == ["graded"] and graded == 1
