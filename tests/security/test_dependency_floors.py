"""Installed Jupyter parts sit above every published security advisory (see README.md)."""

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
# The highest version an advisory asks for, per package: tests/security/README.md lists each.
FLOORS = {"voila": "0.5.6", "jupyter_server": "2.21.0", "jupyterhub": "5.4.5",
          "nbgrader": "0.9.5", "notebook": "7.2.2", "tornado": "6.5.5"}


def declared() -> dict[str, Version]:
    text = (REPO / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    out = {}
    for line in re.findall(r'^\s*"([^"]+)"', block, re.M):
        req = Requirement(line)
        for spec in req.specifier:
            if spec.operator == ">=":
                out[req.name.lower().replace("-", "_")] = Version(spec.version)
    return out


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_pyproject_floor_is_above_every_advisory(package):
    assert declared().get(package, Version("0")) >= Version(FLOORS[package]), package


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_installed_version_meets_the_floor(package):
    assert Version(version(package)) >= Version(FLOORS[package]), (package, version(package))


def test_readme_lists_every_floor():
    readme = (REPO / "tests" / "security" / "README.md").read_text()
    for package, floor in FLOORS.items():
        assert re.search(rf"\| {package} \|.*\| {re.escape(floor)} \|", readme), package
