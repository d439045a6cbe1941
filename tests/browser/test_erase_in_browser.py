"""A coordinator takes one person's data, then erases her, in chromium (issue 21, item 6):
the zip holds her rows, the erasure asks for her name, and her page is gone after."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from shared import add_learner
from test_journey import sign_in

pytestmark = [pytest.mark.browser]


def test_export_then_erase_one_person_through_the_pages(server, browser):
    pid = add_learner(server, "erase-browser-one", "Inès Navigateur", "pw-browser-erase")
    context = browser.new_context(viewport={"width": 1366, "height": 768},
                                  accept_downloads=True)
    try:
        page = context.new_page()
        sign_in(page, server, "coordinateur")
        page.goto(server.url + f"balise/person/{pid}")
        with page.expect_download() as got:
            page.click("#export-data")
        held = zipfile.ZipFile(io.BytesIO(got.value.path().read_bytes()))
        assert json.loads(held.read("store.json"))["people"][0]["name"] == "Inès Navigateur"
        page.click("#erase-person")
        expect(page.locator("h1")).to_contain_text("Effacer Inès Navigateur")
        assert_accessible(page, "erasure page")
        page.fill("#erase-name", "Inès")                       # not her whole name
        page.click("#erase")
        expect(page.locator("#erase-error")).to_contain_text("rien n'a été effacé")
        assert_accessible(page, "erasure page, name refused")
        page.fill("#erase-name", "inès navigateur")
        page.click("#erase")
        expect(page.locator("h1")).to_contain_text("Inès Navigateur : ses données sont effacées")
        assert page.goto(server.url + f"balise/person/{pid}").status == 404
    finally:
        context.close()
