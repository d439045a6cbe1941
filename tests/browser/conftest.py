import pytest
from shared import ARGS, CHROMIUM  # noqa: F401  (browser tests import them from here)


@pytest.fixture
def phone(browser):
    """A phone-sized page (390 x 844), as most learners will use."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def small_phone(browser):
    """A 360 x 740 page, the smallest phone the pages are designed for."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()

