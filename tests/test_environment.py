"""pyproject.toml and environment.yml describe the same environment."""

import sys

import yaml
from packaging.requirements import Requirement

from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _conda_env():
    return yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))


def _conda_python() -> str:
    (python,) = [dep for dep in _conda_env()["dependencies"]
                 if isinstance(dep, str) and dep.startswith("python=")]
    return python.split("=", 1)[1]


def test_environment_yml_pins_the_same_packages_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    marker_env = {"python_version": _conda_python()}
    from_pyproject = {}
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(marker_env):
            from_pyproject[requirement.name.lower()] = str(requirement.specifier)
    (pip_section,) = [dep["pip"] for dep in _conda_env()["dependencies"] if isinstance(dep, dict)]
    from_conda = {}
    for line in pip_section:
        if line.startswith("-e"):
            continue
        requirement = Requirement(line)
        from_conda[requirement.name.lower()] = str(requirement.specifier)
    assert from_conda == from_pyproject
    assert "-e ." in pip_section, "conda users must get the ganlab package itself too"


def test_every_dependency_is_pinned_exactly():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    loose = [line for line in project["dependencies"] if "==" not in line]
    assert loose == []


def test_conda_python_satisfies_requires_python():
    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _conda_python() in SpecifierSet(project["requires-python"])
