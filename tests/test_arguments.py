"""Bad arguments and folders a command cannot use end in exit 2 and one line, never a
traceback: --reports-dir naming a file, a read-only reports or data folder, a template
written over a folder, a second build into a folder in use. Periods and unit codes typed
with full-width digits are read as the ordinary ones: one folder per period."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers.batch.build import build
from helpers.batch.plan import plan
from helpers.cli import main
from helpers.core.periods import parse_period
from helpers.core.units import Unit, parse_unit

NOBODY = 65534


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, small_sample):
    path = tmp_path_factory.mktemp("args-data")
    shutil.copytree(small_sample[0] / "processed", path / "processed")
    return path


def test_reports_dir_naming_a_file(data_dir, tmp_path, capsys):
    (tmp_path / "reports").write_text("not a folder")
    args = ["--data-dir", str(data_dir), "--reports-dir", str(tmp_path / "reports")]
    assert main(["build", "--period", "2025", "--unit", "44", *args]) == 2
    assert _one_line(capsys) == f"p06 build: --reports-dir {tmp_path / 'reports'} is a file: give a folder\n"


def test_template_over_a_folder(tmp_path, capsys):
    assert main(["template", "--table", "dossiers", "--output", str(tmp_path)]) == 2
    assert (
        _one_line(capsys)
        == f"p06 template: --output {tmp_path} is a folder: give a file name (template.xlsx)\n"
    )
    assert list(tmp_path.iterdir()) == []


def _as_a_user_who_cannot_write(argv: list[str], home: Path) -> subprocess.CompletedProcess:
    """Run p06 as a user for whom the folders made read-only below really are (root writes
    anywhere: as root, the command runs as `nobody`)."""
    command = [sys.executable, "-m", "helpers.cli", *argv]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot run a command that may not write")
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "HOME": str(home)})


@pytest.fixture
def readable(data_dir):
    """A copy of the data that everyone can read, in a folder everyone can reach (pytest's
    own temporary folders are its user's alone)."""
    root = Path(tempfile.mkdtemp(prefix="p06-args-"))
    shutil.copytree(data_dir / "processed", root / "data" / "processed")
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield root
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755)  # writable again, to be removed
    shutil.rmtree(root)


@pytest.mark.parametrize("read_only", ["reports", "data"])
def test_a_folder_it_cannot_write(readable, read_only):
    data, reports = readable / "data", readable / "reports"
    reports.mkdir()
    if read_only == "reports" and os.geteuid() == 0:
        shutil.chown(data, NOBODY)  # the data folder is writable, the reports folder not
    elif os.geteuid() == 0:
        shutil.chown(reports, NOBODY)
    (reports if read_only == "reports" else data).chmod(0o555)
    done = _as_a_user_who_cannot_write(
        ["build", "--period", "2025", "--unit", "44", "--data-dir", str(data), "--reports-dir", str(reports)],
        readable,
    )
    assert done.returncode == 2, done.stderr
    where = reports / ".build.lock" if read_only == "reports" else data / "mart"
    assert done.stderr == f"p06 build: Permission denied: {where}\n"


def test_full_width_digits_are_the_ordinary_ones():
    assert parse_period("２０２５－Ｑ３") == parse_period("2025-Q3")
    assert str(parse_period("２０２２－０１..２０２３－１２")) == "2022-01..2023-12"
    assert parse_unit("４４") == parse_unit("44") == Unit("province", "44")
    assert parse_unit("ｌｅｇａｃｙ／４５") == Unit("legacy_province", "45")
    assert parse_unit("１９３３３") == Unit("commune", "19333")


def test_a_period_typed_in_full_width_digits_builds_into_its_one_folder(data_dir, tmp_path, capsys):
    reports = tmp_path / "reports"
    build(plan("2024-Q4", data_dir, units=["44"]), reports, jobs=1)
    args = ["--data-dir", str(data_dir), "--reports-dir", str(reports)]
    assert main(["build", "--period", "２０２４－Ｑ４", "--unit", "４４", *args]) == 0
    assert "nothing to do, all 1 reports are up to date" in capsys.readouterr().out
    assert sorted(p.name for p in reports.iterdir() if p.is_dir() and not p.name.startswith(".")) == [
        "2024-Q4"
    ]
