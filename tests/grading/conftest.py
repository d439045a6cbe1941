import pytest
from shared import copy_built

from balise.catalogue.modules import load_catalogue
from balise.config import Balise
from balise.demo import accounts as demo
from balise.grading import GradingService, WorkerSupervisor
from balise.grading.pool import KernelPool
from balise.store.models import Store


@pytest.fixture
def data(built_course, tmp_path):
    """A private copy of the built course with the demo people."""
    target = tmp_path / "data"
    copy_built(built_course.data_path, target)
    balise = Balise(data_dir=str(target), courses_dir=built_course.courses_dir)
    store = Store(balise.store_url)
    demo.seed(store)
    yield balise, store
    store.dispose()


@pytest.fixture
def service(data):
    """The server's grading service, without a worker: tests start one when they need it."""
    balise, store = data
    return GradingService(store, load_catalogue(balise.courses_path), balise.course_root,
                          balise.data_path / "attempts", 120)


@pytest.fixture
def worker(data):
    """The grading worker as the server runs it: a supervised child process."""
    balise, _ = data
    supervisor = WorkerSupervisor(balise.data_path)
    supervisor.start()
    yield supervisor
    supervisor.stop()


@pytest.fixture
def pool(tmp_path):
    """One started grading kernel, unsealed (no bubblewrap needed), shut down after."""
    pool = KernelPool(size=1, home=str(tmp_path), sandbox="off", max_processes=0)
    pool.start()
    yield pool
    pool.shutdown()
