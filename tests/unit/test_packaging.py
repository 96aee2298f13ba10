"""Set-up promises: one dependency set for pip and conda, clean notebooks, the two entry points."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import yaml

from clusterix_analytics.config import NOTEBOOKS_DIR, PROJ_ROOT

# conda-forge spells a few packages differently from PyPI
CONDA_NAMES = {"kaleido": "python-kaleido"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].strip().lower()


def test_environment_yml_names_the_same_packages_as_pyproject():
    pyproject = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in pyproject["dependencies"] + pyproject["optional-dependencies"]["test"]}
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    conda_names = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert {CONDA_NAMES.get(n, n) for n in pip_names} == conda_names


def test_lower_bounds_match_between_pyproject_and_environment_yml():
    pyproject = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    bounds = {CONDA_NAMES.get(_name(r), _name(r)): r.split(">=")[1] for r in pyproject["dependencies"] if ">=" in r}
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    env_bounds = {_name(d): d.split(">=")[1] for d in env["dependencies"] if isinstance(d, str) and ">=" in d}
    for name, bound in bounds.items():
        assert env_bounds.get(name) == bound, name


def test_committed_notebooks_have_no_outputs_and_a_tagged_parameters_cell():
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    assert notebooks, "no maintained notebooks"
    for path in notebooks:
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path.name
        tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1 and tagged[0] is code[0], f"{path.name}: first code cell must be tagged parameters"
        assert nb["metadata"]["kernelspec"]["name"] == "clusterix-analytics", path.name


def test_python_dash_m_behaves_like_the_console_script():
    module = subprocess.run([sys.executable, "-m", "clusterix_analytics", "--help"], capture_output=True, text=True)
    script = subprocess.run([str(PROJ_ROOT / ".venv" / "bin" / "clusterix-analytics"), "--help"]
                            if (PROJ_ROOT / ".venv" / "bin" / "clusterix-analytics").exists()
                            else ["clusterix-analytics", "--help"], capture_output=True, text=True)
    assert module.returncode == script.returncode == 0
    assert module.stdout.replace("__main__.py", "clusterix-analytics") == script.stdout
