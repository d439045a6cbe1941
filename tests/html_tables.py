"""The tables of a rendered page, read as a person reads them: header and cell texts.

The figure tests compare what a page shows with the one function that computes each
figure; reading the HTML (not the handler's frames) is what makes them catch a page
that computes a figure its own way.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self, wanted: str):
        super().__init__()
        self.wanted, self.depth, self.rows, self.cell = wanted, 0, [], None

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in ("br", "img", "input", "meta", "link")
        elif dict(attrs).get("id") == self.wanted:
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.cell is not None:
            self.cell.append(data)


def table(page: str, element_id: str) -> list[dict[str, str]]:
    """The rows of the table inside the element ``element_id``, each as {header: text}."""
    parser = _Tables(element_id)
    parser.feed(page)
    rows = [r for r in parser.rows if r]
    if not rows:
        raise AssertionError(f"no table in #{element_id}")
    header, *body = rows
    return [dict(zip(header, row)) for row in body]


def number(text: str) -> float:
    """A number as a page writes it, the French way: "1 250", "45,20", "38 %"."""
    clean = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").rstrip("%")
    return float(clean.replace(",", "."))
