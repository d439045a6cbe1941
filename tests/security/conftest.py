import shutil

import pytest
from shared import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, as in tests/browser (its conftest does not reach this folder)."""
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()
