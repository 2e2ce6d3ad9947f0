"""The in-process engine gives a kernel's outputs: a small notebook run by papermill in a
kernel and by the engine in this process comes out the same, and a failing or leftover
notebook does not reach the next one."""

from __future__ import annotations

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from helpers.batch.inprocess import execute_here
from helpers.batch.notebooks import clean, execute

CELLS = [  # (tags, source): every kind of output a cell makes
    (["parameters"], 'name = "x"'),
    ([], "print('to stdout')"),
    ([], "import sys\nprint('to stderr', file=sys.stderr)"),
    ([], "from IPython.display import Markdown, display\ndisplay(Markdown(f'## Heading {name}'))"),
    (
        [],
        "display({'text/plain': 'a chart', 'image/svg+xml': '<svg/>'}, raw=True,\n"
        "        metadata={'image/svg+xml': {'alt': 'a chart'}})",
    ),
    ([], "import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', None]})"),
    ([], "1 + 1;"),
    ([], ""),
    ([], "None"),
    (["remove"], "{'answer': 42}"),
]


def _notebook(cells=CELLS) -> nbformat.NotebookNode:
    made = [nbformat.v4.new_code_cell(source, metadata={"tags": tags}) for tags, source in cells]
    for i, cell in enumerate(made):
        cell["id"] = f"cell-{i}"
    kernel = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    return nbformat.v4.new_notebook(cells=made, metadata=kernel)


def test_the_same_outputs_as_a_kernel(tmp_path):
    source = tmp_path / "small.ipynb"
    nbformat.write(_notebook(), source)
    by_kernel = execute(source, tmp_path / "by-kernel.ipynb", {"name": "y"})
    here = clean(execute_here(source, {"name": "y"}))
    assert nbformat.writes(here) == nbformat.writes(by_kernel)
    outputs = [[o["output_type"] for o in c.outputs] for c in here.cells]
    assert outputs == [
        [],
        [],
        ["stream"],
        ["stream"],
        ["display_data"],
        ["display_data"],
        ["execute_result"],
        [],
        [],
        [],
        ["execute_result"],
    ]


def test_a_failing_cell_stops_its_notebook_only(tmp_path):
    failing = _notebook([(["parameters"], "n = 0"), ([], "secret = 1\n1 / n"), ([], "print('after')")])
    with pytest.raises(PapermillExecutionError) as failed:
        execute_here(failing, {"n": 0})
    assert (failed.value.ename, failed.value.evalue) == ("ZeroDivisionError", "division by zero")
    ran = failed.value.notebook.cells
    assert [c.outputs[0]["output_type"] if c.outputs else None for c in ran[-2:]] == ["error", None]
    # the next notebook runs in a shell where the last one's names are gone
    after = execute_here(_notebook([([], "print('secret' in dir())")]), {})
    assert after.cells[0].outputs[0]["text"] == "False\n"
