"""Feedback pages: nbconvert's HTML, its templates compiled once per process."""

import jinja2
import nbformat
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from balise.grading.templates import COMPILED, FeedbackExporter

NB = new_notebook(cells=[new_markdown_cell("# Gestes et postures\n\n*Soulever* : dos droit."),
                         new_code_cell("ANSWERS = {'q1': 'b'}")])


def test_the_page_is_nbconverts_and_templates_are_compiled_once(monkeypatch):
    compiled = []
    stock_compile = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, *a, **k: compiled.append(1) or stock_compile(self, *a, **k))
    stock, _ = HTMLExporter().from_notebook_node(nbformat.from_dict(NB))
    stock_compiles = len(compiled)
    assert stock_compiles > 5                                # the counter counts
    compiled.clear()
    first, _ = FeedbackExporter().from_notebook_node(nbformat.from_dict(NB))
    assert first == stock
    assert len(COMPILED) > 0
    compiled.clear()
    again, _ = FeedbackExporter().from_notebook_node(nbformat.from_dict(NB))   # a new exporter
    assert again == stock
    assert compiled == []          # every template came from the cache


def test_an_edited_template_is_compiled_again():
    environment = jinja2.Environment(loader=jinja2.DictLoader({"t": "Bonjour {{ who }}"}),
                                     bytecode_cache=COMPILED)
    assert environment.get_template("t").render(who="Amina") == "Bonjour Amina"
    edited = jinja2.Environment(loader=jinja2.DictLoader({"t": "Salut {{ who }}"}),
                                bytecode_cache=COMPILED)
    assert edited.get_template("t").render(who="Amina") == "Salut Amina"
