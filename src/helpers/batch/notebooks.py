"""Executing a notebook once with papermill (a fresh kernel), and keeping stored outputs clean.

`python -m helpers.batch.notebooks` (`make notebooks`) re-runs every notebook with its default
parameters and stores the outputs, which `make test` then checks with nbval.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.core.paths import NOTEBOOK_DIR

if TYPE_CHECKING:  # nbformat takes a second to import: only where notebooks are handled
    import nbformat

NOTEBOOKS = ("province_review", "national_overview", "commune_review", "getting_started")


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what varies from run to run: papermill's timings, execution timestamps, the
    random id papermill gives its parameters cell, and execution counts that go on from
    one notebook to the next in a warm worker (numbered again from 1)."""
    notebook.metadata.pop("papermill", None)
    count = 0
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell["execution_count"] = count
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = count
    return notebook


def strip_outputs(notebook: Path, folder: Path) -> Path:
    """A copy of a notebook without its stored outputs, so that a worker reads and copies a
    few kilobytes per report instead of the stored charts (plain JSON: nbformat takes a
    second to import)."""
    import json

    from helpers.data.storage import write_text_atomic

    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target = folder / notebook.name
    write_text_atomic(target, json.dumps(nb, ensure_ascii=False))
    return target


def execute(
    source: Path,
    target: Path,
    parameters: dict | None = None,
    start_timeout: int = 120,
    cwd: Path | None = None,
) -> nbformat.NotebookNode:
    """Run a notebook with papermill and write the executed copy to `target`."""
    import nbformat
    import papermill as pm

    from helpers.data.storage import write_text_atomic

    executed = pm.execute_notebook(
        str(source),
        None,
        parameters=parameters or {},
        kernel_name="python3",
        cwd=str(cwd or source.parent),
        progress_bar=False,
        start_timeout=start_timeout,
        log_output=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no kernel start-up chatter in logs
    )
    executed = clean(executed)
    write_text_atomic(target, nbformat.writes(executed) + "\n")
    return executed


def refresh(names: list[str] | None = None) -> None:
    """Re-execute notebooks in place with their default parameters."""
    for name in names or NOTEBOOKS:
        path = NOTEBOOK_DIR / f"{name}.ipynb"
        print(f"executing {path.name}", flush=True)
        execute(path, path)


if __name__ == "__main__":
    refresh(sys.argv[1:] or None)
