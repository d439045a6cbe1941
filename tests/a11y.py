"""``assert_accessible``: axe-core run in a Playwright page, failing on WCAG 2.1 or 2.2 A or AA.

axe-core comes from npm (``package.json``; ``make install-test`` runs ``npm ci``).
It is injected into the page as it is, so the check sees what the learner's
browser rendered, widgets and scripts included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA on top of 2.1 (target size 2.5.8 above all, on a phone).
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SHOWN_NODES = 3       # elements listed per violation; the count says how many there are
SHOWN_HTML = 200      # characters of each element's markup

RUN_AXE = """async ({exclude, tags}) => {
  const context = exclude.length ? {include: [document], exclude: exclude} : document;
  const found = new Map();
  const keep = results => {
    for (const v of results.violations) {
      if (!found.has(v.id)) {
        found.set(v.id, {id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                         nodes: new Map()});
      }
      for (const n of v.nodes) {
        const target = n.target.map(String);
        found.get(v.id).nodes.set(target.join(' '),
                                  {target, html: n.html, summary: n.failureSummary || ''});
      }
    }
  };
  keep(await axe.run(context, {runOnly: {type: 'tag', values: tags},
                               resultTypes: ['violations']}));
  // axe checks the contrast of on-screen text only, and Voila scrolls its cells
  // inside a box of its own: scroll every scrolling box through its content.
  const root = document.scrollingElement;
  const scrolls = e => e.clientHeight > 0 && e.clientWidth > 0
    && (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
    && (e === root || /auto|scroll/.test(getComputedStyle(e).overflow));
  const boxes = [root, ...document.body.querySelectorAll('*')].filter(scrolls);
  const starts = boxes.map(box => ({left: box.scrollLeft, top: box.scrollTop}));
  const instant = {behavior: 'instant'};
  for (const box of boxes) {
    if (box !== root) box.scrollIntoView({block: 'start', inline: 'start', ...instant});
    for (let top = 0; top < box.scrollHeight; top += box.clientHeight) {
      for (let left = 0; left < box.scrollWidth; left += box.clientWidth) {
        box.scrollTo({left, top, ...instant});
        keep(await axe.run(context, {runOnly: {type: 'rule', values: ['color-contrast']},
                                     resultTypes: ['violations']}));
      }
    }
  }
  boxes.forEach((box, n) => box.scrollTo({...starts[n], ...instant}));
  return {version: axe.version, scrolled: boxes.length, violations: [...found.values()].map(
    v => ({...v, nodes: [...v.nodes.values()]}))};
}"""


def violations_text(name: str, version: str, violations: list[dict]) -> str:
    """One paragraph per rule broken: id, impact, help, then the first elements and why."""
    lines = [f"{name}: {len(violations)} WCAG 2.1/2.2 A/AA rule(s) broken (axe-core {version})"]
    for v in violations:
        nodes = v["nodes"]
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(nodes)} element(s)]"
                     f" {v['helpUrl']}")
        for node in nodes[:SHOWN_NODES]:
            markup = " ".join(node["html"].split())
            if len(markup) > SHOWN_HTML:
                markup = markup[:SHOWN_HTML] + "…"
            lines.append(f"    {' > '.join(node['target'])}")
            lines.append(f"      {markup}")
            for reason in node["summary"].splitlines()[1:3]:
                lines.append(f"      {reason.strip()}")
        if len(nodes) > SHOWN_NODES:
            lines.append(f"    … and {len(nodes) - SHOWN_NODES} more")
    return "\n".join(lines)


def assert_accessible(page, name: str, exclude: list[str] | None = None) -> None:
    """Fail unless axe-core finds no WCAG 2.1 A or AA violation in ``page`` as it is now.

    ``page`` is a Playwright sync page, already showing what is to be checked
    (wait for the content first: axe checks the DOM of this moment). ``name``
    says which page in the failure message. ``exclude`` lists CSS selectors
    axe skips; keep it for what is not Balise's and no user can see, and say
    why where it is passed.
    """
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make install-test` (npm ci installs axe-core)",
                    pytrace=False)
    loaded = "() => typeof window.axe === 'object'"
    if not page.evaluate(loaded):
        page.add_script_tag(path=str(AXE))
    if not page.evaluate(loaded):
        pytest.fail(f"{name}: axe-core cannot run here, the page's Content-Security-Policy "
                    "refuses scripts (the sandboxed feedback pages do): load the same HTML "
                    "with page.set_content() and check that instead.", pytrace=False)
    found = page.evaluate(RUN_AXE, {"exclude": list(exclude or []), "tags": WCAG_A_AA})
    if found["violations"]:
        pytest.fail(violations_text(name, found["version"], found["violations"]), pytrace=False)


def assert_phone_page(page, name: str, width: int = 360) -> None:
    """A page as a phone shows it: its heading there, axe-core passes (WCAG 2.1 and 2.2, A
    and AA), and nothing scrolls sideways at ``width`` px."""
    from playwright.sync_api import expect

    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page, name)
    wide = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert wide <= width, f"{name}: {wide} px wide on a {width} px screen"
