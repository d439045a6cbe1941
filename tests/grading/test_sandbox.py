"""Code run while grading cannot read the gradebook, submissions or the data folder."""

import secrets
import shutil
import socket
import time

import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from balise.grading.execute import PooledExecute
from balise.grading.pool import KernelPool
from balise.grading.process_limit import PREFIX, ProcessLimit

pytestmark = pytest.mark.slow

PROBES = {
    "gradebook": "print(open({data!r} + '/gradebook.db', 'rb').read(15))",
    "other_learner": "print(open({data!r} + '/attempts/someone.ipynb').read())",
    "secret": "print(open({data!r} + '/secret.key').read())",
    "listing": "import os; print(sorted(os.listdir({data!r})))",
}


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "data"
    (data / "attempts").mkdir(parents=True)
    (data / "gradebook.db").write_bytes(b"SQLite format 3\x00...")
    (data / "attempts" / "someone.ipynb").write_text("ANSWERS = {'q1': 'b'}  # someone else")
    (data / "secret.key").write_text("TOPSECRET")
    (data / "course" / "autograded" / "amina" / "postures").mkdir(parents=True)
    return data


def grade_probes(data, sandbox, probes=PROBES, max_processes=256, **values):
    if sandbox == "on" and shutil.which("bwrap") is None:
        pytest.fail("bwrap is missing: apt-get install bubblewrap (.ci/run does it)")
    pool = KernelPool(size=1, home=str(data.parent), hidden_paths=[str(data)], sandbox=sandbox,
                      max_processes=max_processes)
    pool.start()
    try:
        nb = new_notebook(cells=[new_code_cell(code.format(data=str(data), **values))
                                 for code in probes.values()])
        where = {"metadata": {"path": str(data / "course" / "autograded" / "amina" / "postures")}}
        PooledExecute(pool=pool).preprocess(nb, where)
    finally:
        pool.shutdown()
    return {name: "".join(str(o.get("text", "")) + str(o.get("evalue", "")) for o in cell.outputs)
            for name, cell in zip(probes, nb.cells)}


# Reaching a server on the machine (a database, Balise's API), and leaving a process
# behind that has left the kernel's process group and session.
ESCAPES = {
    "network": "import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), 2)"
               ".sendall(b'reached')\n    print('CONNECTED')\nexcept OSError as e:\n"
               "    print('refused', e)",
    "detached": "import subprocess\nsubprocess.Popen(['setsid', 'sleep', '{mark}'])\n"
                "print('started')",
}


def leftovers(mark: str) -> list:
    return [p for p in psutil.process_iter(["cmdline"]) if mark in (p.info["cmdline"] or [])]


@pytest.mark.parametrize("sandbox", ["off", "on"])
def test_a_sealed_kernel_reaches_no_server_and_leaves_no_process(data, sandbox):
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    mark = f"{1000 + secrets.randbelow(10**6)}.5"     # sleep's argument: seconds, unique
    try:
        seen = grade_probes(data, sandbox, ESCAPES, port=listener.getsockname()[1], mark=mark)
        try:
            reached = listener.accept()[0].recv(16) == b"reached"
        except (TimeoutError, OSError):
            reached = False
        time.sleep(0.5)
        left = leftovers(mark)
    finally:
        listener.close()
        for proc in leftovers(mark):
            try:
                proc.kill()
            except psutil.NoSuchProcess:    # it ended between the listing and the kill
                pass
    assert "started" in seen["detached"]
    if sandbox == "off":        # the probes work: without the seal, both escape
        assert reached and "CONNECTED" in seen["network"] and left
    else:
        assert not reached and "refused" in seen["network"], seen
        assert left == [], "a process outlived its grading kernel"


def test_without_the_sandbox_the_probes_do_read(data):
    seen = grade_probes(data, "off")
    assert "SQLite format" in seen["gradebook"] and "TOPSECRET" in seen["secret"]


def test_sealed_kernel_sees_an_empty_data_folder(data):
    seen = grade_probes(data, "on")
    assert "SQLite format" not in seen["gradebook"] and "No such file" in seen["gradebook"]
    assert "someone else" not in seen["other_learner"]
    assert "TOPSECRET" not in seen["secret"]
    assert seen["listing"].strip() == "[]"


def test_worker_pool_hides_the_data_folder(tmp_path):
    from balise.grading.worker import GradingWorker
    from balise.store.models import Store

    data = tmp_path / "data"
    (data / "course").mkdir(parents=True)
    store = Store(f"sqlite:///{data / 'balise.db'}")
    worker = GradingWorker(store, data / "course", f"sqlite:///{data / 'gradebook.db'}",
                           data / "attempts")
    assert worker.pool.hidden_paths == [str(data)]
    assert worker.pool.sealed
    assert not worker.pool.hides(worker.pool.home)
    store.dispose()


# At most 300 sleeping processes, so the probe is safe where no limit holds.
BOMB = {"bomb": "import subprocess\nstarted = 0\nfor _ in range(300):\n    try:\n"
                "        subprocess.Popen(['sleep', '{mark}'])\n    except OSError:\n"
                "        break\n    started += 1\nprint('started', started)"}


@pytest.mark.parametrize("limit", [0, 40])
def test_a_fork_bomb_stops_at_the_kernels_process_limit(data, limit):
    """Without a limit a kernel starts all it asks for; with one, it stops at the ceiling
    (threads of the kernel included), and nothing it started outlives the kernel."""
    if limit and not ProcessLimit(limit).available:
        pytest.fail("no writable pids cgroup on this machine: the limit cannot hold")
    mark = f"{1000 + secrets.randbelow(10**6)}.5"
    try:
        seen = grade_probes(data, "on", BOMB, max_processes=limit, mark=mark)
        time.sleep(0.5)
        left = leftovers(mark)
    finally:
        for proc in leftovers(mark):
            try:
                proc.kill()
            except psutil.NoSuchProcess:    # it ended between the listing and the kill
                pass
    started = int(seen["bomb"].split()[-1])
    if limit:
        assert 0 < started < limit, seen
    else:
        assert started == 300, seen
    assert left == [], "a process outlived its grading kernel"


def test_no_group_of_a_stopped_pool_is_left_behind(data):
    limit = ProcessLimit(40)
    if not limit.available:
        pytest.fail("no writable pids cgroup on this machine")
    before = set(limit.root.glob(f"{PREFIX}*"))
    grade_probes(data, "on", {"hello": "print('hello')"}, max_processes=40)
    assert set(limit.root.glob(f"{PREFIX}*")) <= before
