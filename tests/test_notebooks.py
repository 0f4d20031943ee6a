"""The analysts' notebooks: run top to bottom on the sample, on the public API, offline, stored without outputs.

Each notebook is executed once per test session with nbclient in a ``python3``
kernel of this interpreter (``JUPYTER_PATH`` puts the venv's kernel spec first,
and a test checks the kernel's ``sys.prefix``), from the ``notebooks/`` folder
and without ``GEO_WORKSPACE``, so the relative path to the sample is what is
tested. A failing cell raises ``CellExecutionError`` and fails the test.
"""

from __future__ import annotations

import ast
import html
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import geo
import geo.exports
import geo.hotspots

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = ("01_getting_started.ipynb", "02_hotspots.ipynb", "03_progress_over_time.ipynb")

SUBPACKAGES = {"hotspots": geo.hotspots, "exports": geo.exports}
"""Documented subpackages a notebook may use besides ``geo.<name>``."""

NETWORK = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)
"""A tag that would load something from another host."""


def run(nb: nbformat.NotebookNode, **env: str) -> None:
    """Execute ``nb`` in place from the notebooks folder (its time is not asserted: tests are not benchmarks)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(Path(sys.prefix) / "share" / "jupyter"))
        mp.delenv("GEO_WORKSPACE", raising=False)
        mp.delenv("PYTHONPATH", raising=False)
        mp.delenv("MPLBACKEND", raising=False)  # importing streamlit (test_dashboard_*) sets Agg: no inline charts
        for key, value in env.items():
            mp.setenv(key, value)
        client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NB_DIR)}})
        client.execute()


_executed: dict[str, nbformat.NotebookNode] = {}


def executed(name: str) -> nbformat.NotebookNode:
    """The notebook run on the sample (once per session)."""
    if name not in _executed:
        nb = nbformat.read(NB_DIR / name, as_version=4)
        run(nb)
        _executed[name] = nb
    return _executed[name]


def code_cells(nb: nbformat.NotebookNode) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def text_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.extend(str(v) for k, v in out.data.items() if k.startswith("text/"))
    return "\n".join(parts)


def test_the_notebooks_and_their_readme_are_there():
    assert sorted(p.name for p in NB_DIR.glob("*.ipynb")) == sorted(NOTEBOOKS)
    assert (NB_DIR / "README.md").is_file()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_runs_top_to_bottom_on_the_sample(name):
    nb = executed(name)
    assert all(c.execution_count for c in code_cells(nb))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_is_stored_without_outputs(name):
    nb = nbformat.read(NB_DIR / name, as_version=4)
    for cell in code_cells(nb):
        assert cell.outputs == [] and cell.execution_count is None, f"{name}: cell {cell.get('id')} has outputs"
    assert "widgets" not in nb.metadata


def non_public(source: str) -> list[str]:
    """Names of ``geo`` used in ``source`` that are not public (``geo.<name>``, ``geo.hotspots.<name>``, …)."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "geo":
            parts = node.module.split(".")
            if len(parts) > 2 or (len(parts) == 2 and parts[1] not in SUBPACKAGES):
                bad.append(node.module)
                continue
            public = geo.__all__ if len(parts) == 1 else SUBPACKAGES[parts[1]].__all__
            bad += [f"{node.module}.{a.name}" for a in node.names if a.name not in public and a.name not in SUBPACKAGES]
        elif isinstance(node, ast.Import):
            bad += [
                a.name
                for a in node.names
                if a.name.split(".")[0] == "geo" and a.name not in ("geo", *(f"geo.{n}" for n in SUBPACKAGES))
            ]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "geo":
            if node.attr not in geo.__all__ and node.attr not in SUBPACKAGES:
                bad.append(f"geo.{node.attr}")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "geo"
            and node.value.attr in SUBPACKAGES
            and node.attr not in SUBPACKAGES[node.value.attr].__all__
        ):
            bad.append(f"geo.{node.value.attr}.{node.attr}")
    return bad


def test_the_public_api_check_catches_private_names():
    source = (
        "import geo\nimport geo.selection\nfrom geo.selection import week_ends\n"
        "from geo.hotspots import _config, compute_hotspots\ngeo._private\ngeo.hotspots.rules\n"
        "geo.time_slice\ngeo.hotspots.weekly_series\n"
    )
    assert non_public(source) == [
        "geo.selection",
        "geo.selection",
        "geo.hotspots._config",
        "geo._private",
        "geo.hotspots.rules",
    ]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_notebook_uses_only_the_public_api(name):
    nb = nbformat.read(NB_DIR / name, as_version=4)
    assert non_public("\n".join(c.source for c in code_cells(nb))) == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_outputs_load_nothing_from_the_network(name):
    nb = executed(name)
    for cell in code_cells(nb):
        page = html.unescape(text_of(cell))
        assert not NETWORK.search(page), f"{name}: cell {cell.get('id')} loads from the network"
        assert "/app/static/vendor" not in page  # the dashboard's asset path does not exist in Jupyter


def test_the_first_notebook_shows_the_summary_and_an_inline_map():
    nb = executed("01_getting_started.ipynb")
    out = "\n".join(html.unescape(text_of(c)) for c in code_cells(nb))
    assert "0 lỗi" in out and "Tên thôn" in out  # the validation report and the summary's Vietnamese headers
    assert "<iframe srcdoc=" in out and "L.map(" in out and "Leaflet" in out  # Leaflet embedded in the map


def test_the_progress_notebook_states_its_forecast():
    nb = executed("03_progress_over_time.ipynb")
    out = "\n".join(text_of(c) for c in code_cells(nb))
    assert "dự kiến xong" in out or "không dự báo được" in out
    assert sum("image/png" in o.get("data", {}) for c in code_cells(nb) for o in c.outputs) >= 2


def test_the_kernel_is_this_virtual_environment():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.prefix)")])
    run(nb)
    assert nb.cells[0].outputs[0].text.strip() == sys.prefix


def test_geo_workspace_overrides_the_sample(build):
    folder = build(toml='[workspace]\nname = "Xã Thử"\nas_of = 2026-11-20\n')
    nb = nbformat.read(NB_DIR / "01_getting_started.ipynb", as_version=4)
    run(nb, GEO_WORKSPACE=str(folder))
    assert "Xã Thử — đến ngày / as of 20/11/2026" in text_of(code_cells(nb)[0])


# --------------------------------------------------------------------------- docs/api.md


def test_the_api_reference_is_up_to_date():
    spec = importlib.util.spec_from_file_location("api_reference", ROOT / "scripts" / "api_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render()
    assert all(f"geo.{name}" in text for name in geo.__all__)
    assert (ROOT / "docs" / "api.md").read_text(encoding="utf-8") == text, (
        "docs/api.md is out of date: run .venv/bin/python scripts/api_reference.py"
    )
