"""Executing a notebook's cells in this process: a papermill engine (`p06-in-process`) that
runs each code cell in an IPython shell of this process instead of sending it to a kernel.

A kernel round trip costs more than many a commune review's cells (messages, a second
process, its clock). Here the cells run in one warm process and their outputs are the
kernel's: the same display formatter and display hook of IPython make them, and they are
turned into notebook outputs as nbclient turns a kernel's messages (a JSON round trip
included). The notebooks are unchanged and still run under plain papermill and in
JupyterLab. One notebook at a time per process; its names are removed before the next, so
a report never sees the last one's, and a failing cell fails its own report only.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from jupyter_client.jsonutil import json_default
from nbclient.exceptions import CellExecutionError
from papermill import execute as papermill_execute
from papermill.engines import Engine, papermill_engines
from traitlets import Type
from traitlets.config import Config

ENGINE = "p06-in-process"
LANGUAGE_INFO = {
    "name": "python",
    "version": sys.version.split()[0],
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}
"""What IPython's kernel reports of itself, which nbclient writes into the notebook."""

_LOCK = threading.Lock()  # one notebook at a time in a process: the shell is one


def _as_sent(content: dict) -> dict:
    """What a kernel's message would carry after its trip through JSON."""
    return json.loads(json.dumps(content, default=json_default, ensure_ascii=False))


class _Publisher(DisplayPublisher):
    """`display(...)`: a display_data output of the cell running."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        from ipykernel.jsonutil import encode_images

        self.shell.flush_streams()
        content = _as_sent({"data": encode_images(data), "metadata": metadata or {}})
        self.shell.add_output(nbformat.v4.new_output("display_data", **content))

    def clear_output(self, wait=False):
        self.shell.clear_outputs(wait)


class _DisplayHook(DisplayHook):
    """The value of a cell's last expression: its execute_result output."""

    def start_displayhook(self):
        self.content = {"data": {}, "metadata": {}}

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        from ipykernel.jsonutil import encode_images

        self.content = {"data": encode_images(format_dict), "metadata": md_dict or {}}

    def finish_displayhook(self):
        self.shell.flush_streams()
        if self.content["data"]:
            content = _as_sent(self.content)
            output = nbformat.v4.new_output("execute_result", execution_count=self.prompt_count, **content)
            self.shell.add_output(output)


class _Stream:
    """stdout or stderr while a cell runs: consecutive text of one stream is one output."""

    encoding = "utf-8"

    def __init__(self, shell: Shell, name: str):
        self.shell, self.name = shell, name

    def write(self, text: str) -> int:
        self.shell.add_text(self.name, text)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class Shell(InteractiveShell):
    """An IPython shell whose outputs become the running cell's notebook outputs."""

    display_pub_class = Type(_Publisher)
    displayhook_class = Type(_DisplayHook)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.outputs: list = []
        self._clear_on_next = False

    def add_output(self, output) -> None:
        if self._clear_on_next:
            self.outputs.clear()
            self._clear_on_next = False
        self.outputs.append(output)

    def add_text(self, name: str, text: str) -> None:
        last = self.outputs[-1] if self.outputs and not self._clear_on_next else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.add_output(nbformat.v4.new_output("stream", name=name, text=text))

    def flush_streams(self) -> None:
        """Nothing is buffered: each write is in the outputs already."""

    def clear_outputs(self, wait: bool) -> None:
        if wait:
            self._clear_on_next = True
        else:
            self.outputs.clear()

    def _showtraceback(self, etype, evalue, stb):
        output = {"ename": str(etype.__name__), "evalue": str(evalue), "traceback": stb}
        self.add_output(nbformat.v4.new_output("error", **_as_sent(output)))

    def forget(self) -> None:
        """The last notebook's names, kept outputs and figures gone (what `%reset -f` does,
        without its full garbage collection, a tenth of a second and more every report)."""
        hidden = self.user_ns_hidden
        for name in [n for n in self.user_ns if not n.startswith("_") and n not in hidden]:
            del self.user_ns[name]
        self.user_ns.get("_oh", {}).clear()
        self.user_ns.update({"_": None, "__": None, "___": None})
        self.displayhook._, self.displayhook.__, self.displayhook.___ = None, None, None
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")

    @contextmanager
    def capturing(self):
        """Outputs of the cell about to run go to a fresh list; so do stdout and stderr."""
        self.outputs, self._clear_on_next = [], False
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream(self, "stdout"), _Stream(self, "stderr")
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved


def shell() -> Shell:
    """This process's shell, made on first use (history off: nothing is written to disk)."""
    if not Shell.initialized():
        config = Config()
        config.HistoryManager.enabled = False
        Shell.instance(config=config)
    return Shell.instance()


def run_cell(sh: Shell, cell) -> dict | None:
    """Run one code cell; its outputs and execution count go into the cell. Returns the
    error (ename, evalue, traceback) when it raised."""
    with sh.capturing():
        result = sh.run_cell(cell.source, store_history=True, silent=False)
    cell.outputs = sh.outputs
    cell.execution_count = sh.execution_count - 1
    if result.success:
        return None
    error = next((o for o in reversed(cell.outputs) if o.output_type == "error"), None)
    exc = result.error_before_exec or result.error_in_exec
    if error is None:  # an error IPython did not show (cannot happen with a shell like this one)
        return {"ename": type(exc).__name__, "evalue": str(exc), "traceback": []}
    return {"ename": error.ename, "evalue": error.evalue, "traceback": error.traceback}


class InProcessEngine(Engine):
    """Papermill's engine for cells run in this process: every cell as nbclient runs them
    (empty ones skipped, a failing one stops the notebook unless tagged `raises-exception`),
    with papermill's own bookkeeping of each cell. `env`: environment variables set while
    the notebook runs; `ran`: a dict given the notebook being run (read when it fails)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, env=None, ran=None, **kwargs):
        if ran is not None:
            ran["nb"] = nb_man.nb
        with _LOCK, _environment(env or {}):
            sh = shell()
            sh.forget()
            for index, cell in enumerate(nb_man.nb.cells):
                try:
                    nb_man.cell_start(cell, index)
                    if cell.cell_type != "code" or not cell.source.strip():
                        continue
                    error = run_cell(sh, cell)
                    if error is not None and "raises-exception" not in cell.metadata.get("tags", []):
                        failure = CellExecutionError.from_cell_and_msg(cell, error)
                        nb_man.cell_exception(nb_man.nb.cells[index], cell_index=index, exception=failure)
                        break
                finally:
                    nb_man.cell_complete(nb_man.nb.cells[index], cell_index=index)
            nb_man.nb.metadata["language_info"] = dict(LANGUAGE_INFO)


papermill_engines.register(ENGINE, InProcessEngine)

_WRITE_IPYNB = papermill_execute.write_ipynb


def _write_ipynb(nb, path) -> None:
    """papermill's last step, skipped where the notebook goes nowhere (`execute_here` gives
    no output path): papermill serialises the whole executed notebook, charts included, only
    to discard it."""
    if path is not None:
        _WRITE_IPYNB(nb, path)


papermill_execute.write_ipynb = _write_ipynb


@contextmanager
def _environment(env: dict[str, str]):
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute_here(source: Path | nbformat.NotebookNode, parameters: dict, env: dict[str, str] | None = None):
    """Execute a notebook with papermill in this process, with `parameters` injected and
    `env` set while it runs. Nothing is written; when a cell fails, the exception carries
    the notebook as far as it ran (`exc.notebook`)."""
    import papermill as pm

    ran: dict = {}
    try:
        return pm.execute_notebook(
            source if isinstance(source, nbformat.NotebookNode) else str(source),
            None,
            parameters=parameters,
            engine_name=ENGINE,
            kernel_name="python3",
            progress_bar=False,
            env=env,
            ran=ran,
        )
    except Exception as exc:
        exc.notebook = ran.get("nb")
        raise
