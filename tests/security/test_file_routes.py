"""Every route that serves a file: no way out of the release folder, no private file in it."""

import os

import pytest

from probe import bilingual, refused, secret, unchanged

pytestmark = pytest.mark.slow

LEAKS = ("SQLite format", "BEGIN HIDDEN TESTS", "root:x:0", "ANSWERS = {'q1'")

TRAVERSALS = [
    "voila/files/../secret.key",
    "voila/files/..%2f..%2fsecret.key",
    "voila/files/%2e%2e/%2e%2e/gradebook.db",
    "voila/files/..%252f..%252fgradebook.db",
    "voila/files//etc/passwd",
    "voila/files/%2Fetc%2Fpasswd",
    "voila/files/postures/..%5c..%5c..%5cgradebook.db",
    "voila/static/../../../../etc/passwd",
    "voila/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "voila/templates/lab/static/../../../../../etc/passwd",
    "static/../../../etc/passwd",
    "static/%2e%2e/%2e%2e/etc/passwd",
    "kernelspecs/python3/../../../../etc/passwd",
    "kernelspecs/python3/%2e%2e%2f%2e%2e%2fkernel.json",
    "voila/render/%2e%2e/%2e%2e/secret.key",
    "voila/render//etc/passwd",
    "voila/tree/..%2f..%2f",
    "voila/api/contents/../../secret.key",
    "files/..%2fsecret.key",
    "api/contents/..%2f..%2fgradebook.db",
    "nbconvert/html/postures/postures.ipynb",
    "voila/files/../source/postures/postures.ipynb",
    "voila/files/../submitted/amina/postures/postures.ipynb",
    "voila/files/../autograded/amina/postures/postures.ipynb",
    "voila/files/../../attempts/",
    "voila/render/../feedback/amina/postures/postures.html",
    "voila/files/postures/postures.ipynb",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_refused_on_every_file_route(server, path):
    s = server.session("amina")
    with unchanged(server):
        r = s.get(server.url + path, allow_redirects=False)
    assert r.status_code in (301, 302, 400, 403, 404, 405), (path, r.status_code)
    if r.status_code in (301, 302):             # Tornado's tidying of a path: follow it once
        r = s.get(server.url + path)
        assert r.status_code != 200 or "kernelId" not in r.text or "voila/render" in path
    refused(r, r.status_code)
    for leak in LEAKS:
        assert leak not in r.text, (path, leak)
    assert secret(server).hex() not in r.text


@pytest.fixture
def links(server):
    """Links an author or a mount could leave in the release folder, pointing at the data."""
    assets = server.data / "course" / "release" / "postures" / "assets"
    made = [(assets / "leak.svg", server.data / "secret.key"),
            (assets / "leakdir", server.data)]
    for link, target in made:
        os.symlink(target, link)
    yield
    for link, _ in made:
        link.unlink()


@pytest.mark.parametrize("path", ["voila/files/postures/assets/leak.svg",
                                  "voila/files/postures/assets/leakdir/gradebook.png"])
def test_a_symlink_out_of_the_release_folder_is_not_followed(server, links, path):
    r = server.session("amina").get(server.url + path)
    refused(r, 403, 404)
    assert secret(server).hex() not in r.text and "SQLite" not in r.text


def test_a_real_asset_is_still_served(server):
    assets = server.data / "course" / "release" / "postures" / "assets"
    picture = next(p.name for p in assets.iterdir() if p.suffix == ".svg" and not p.is_symlink())
    r = server.session("amina").get(server.url + f"voila/files/postures/assets/{picture}")
    assert r.status_code == 200 and "<svg" in r.text


@pytest.mark.parametrize("who,learner", [("yusuf", "amina"), ("amina", "formatrice"),
                                         ("amina", "../amina"), ("amina", "amina/../yusuf")])
def test_nobody_reads_another_persons_feedback(server, who, learner):
    s = server.session(who)     # signing in lands on her page, which may record refreshers
    with unchanged(server):
        r = s.get(server.url + "balise/feedback/postures", params={"learner": learner})
    bilingual(refused(r, 404), "Page introuvable", "Page not found")


@pytest.mark.parametrize("path", ["voila", "voila/", "voila/tree", "voila/tree/",
                                  "voila/tree/postures", "voila/tree/gallery"])
def test_voila_file_lists_answer_like_unknown_pages(server, path):
    """Voila's English file list of every module folder is not a page of Balise's."""
    r = server.session("amina").get(server.url + path)
    text = refused(r, 404)
    bilingual(text, "Page introuvable", "Page not found")
    assert "postures" not in text and "ipynb" not in text and "gallery" not in text.lower()


NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.mark.parametrize("who", [None, "amina", "formatrice"])
@pytest.mark.parametrize("path", ["api/contents", "api/kernels", "api/sessions",
                                  "api/contents/postures/postures.ipynb", "api/status",
                                  "api/kernels/not-a-kernel", "balise/api/answers"])
def test_a_jupyter_json_error_opened_in_a_browser_is_a_page_in_balises_words(server, who,
                                                                             path):
    r = server.session(who).get(server.url + path, headers=NAVIGATE)
    if r.status_code < 400:          # an answer that is not an error stays what it is
        assert r.headers["Content-Type"].startswith("application/json"), (path, r.text[:200])
        return
    assert r.headers["Content-Type"].startswith("text/html"), (who, path, r.text[:200])
    text = r.text
    assert '"message"' not in text and '"reason"' not in text and "Forbidden" not in text
    assert "Traceback" not in text and "<h1>" in text
    assert "default-src 'none'" not in r.headers.get("Content-Security-Policy", "")
    assert f"({r.status_code})" in text


@pytest.mark.parametrize("path", ["api/contents", "api/kernels"])
def test_a_scripts_request_keeps_its_json_error(server, path):
    r = server.session("amina").get(server.url + path, headers={"Sec-Fetch-Mode": "cors",
                                                                "Accept": "application/json"})
    assert r.status_code >= 400
    assert r.headers["Content-Type"].startswith("application/json")
    assert "message" in r.json()
