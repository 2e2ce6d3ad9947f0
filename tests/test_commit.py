"""One ingest run, one commit: stopped at any step (an exception, a full disk, kill -9), the
data is exactly as before or as after once the next command has run, leftovers are cleaned,
readers never see a mix; a stored file whose bytes changed is named, not read."""

from __future__ import annotations

import errno
import hashlib
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet
import pytest

from helpers.cli import main
from helpers.core.errors import WriteFailed
from helpers.data import journal, storage
from helpers.data.ingest import ingest
from helpers.engine.mart import build_mart, mart_dir, read_marker

HEADER = "Mã hồ sơ;Tỉnh;Ngày tiếp nhận;Hình thức nộp\n"


def _export(path, months: dict[int, int], tag: str, channel: str = "Trực tuyến"):
    """Dossiers of Quảng Trị: `months` gives the rows per month of 2025."""
    lines = [
        f"{tag}-{m}-{i};44;{i % 28 + 1:02d}/{m:02d}/2025;{channel}"
        for m, n in months.items()
        for i in range(n)
    ]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _state(data_dir) -> dict[str, str]:
    """Every file of the dossiers table and the manifest, by content."""
    folder = storage.table_dir(data_dir, "dossiers")
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*"))}
    return {**files, "manifest": str(sorted(journal.read_manifest(data_dir).items()))}


def _leftovers(data_dir) -> list[str]:
    processed, mart = storage.processed_dir(data_dir), mart_dir(data_dir)
    found = [
        p for p in processed.iterdir() if p.name.startswith(journal.STAGING) or p.name == journal.JOURNAL
    ]
    found += [
        p
        for folder in (processed, *processed.iterdir(), mart)
        if folder.is_dir()
        for p in folder.glob(".*.tmp")
    ]
    return [str(p) for p in found]


@pytest.fixture(scope="module")
def before_after(tmp_path_factory):
    """A data folder before the second export (August to October, September in two files:
    two exports carrying different columns), and the same after it (September replaced by
    one file, the other removed; November new)."""
    root = tmp_path_factory.mktemp("commit")
    first = _export(root / "first.csv", {8: 5, 9: 5, 10: 5}, "A")
    synced = root / "synced.csv"
    synced.write_text("Mã hồ sơ;Tỉnh;Ngày tiếp nhận;Đồng bộ DVCQG\nS-1;44;03/09/2025;Có\n", encoding="utf-8")
    second = _export(root / "second.csv", {9: 7, 11: 3}, "B", channel="Trực tiếp")
    before = root / "before"
    ingest([first, synced], "dossiers", before)
    assert {p.name for p in storage.table_files(before, "dossiers")} >= {"ingest-44-2025-09.1.parquet"}
    after = root / "after"
    shutil.copytree(before, after)
    ingest([second], "dossiers", after)
    return root, second, before, after


def _steps(before_after) -> int:
    """How many steps the second commit takes (journal, moves, deletions, done)."""
    root, second, before, _ = before_after
    data = root / "count"
    shutil.copytree(before, data)
    seen = []
    journal.after_step = seen.append
    try:
        ingest([second], "dossiers", data)
    finally:
        journal.after_step = None
    return max(seen)


def test_an_exception_at_any_step_of_the_commit_leaves_before_or_after(before_after, tmp_path, monkeypatch):
    root, second, before, after = before_after
    steps = _steps(before_after)
    assert steps == 5  # journal written, two files moved, one removed, journal removed
    for stop in range(1, steps + 1):
        data = tmp_path / f"stop-{stop}"
        shutil.copytree(before, data)

        def boom(done, stop=stop):
            if done == stop:
                raise KeyboardInterrupt

        monkeypatch.setattr(journal, "after_step", boom)
        with pytest.raises(KeyboardInterrupt):
            ingest([second], "dossiers", data)
        monkeypatch.setattr(journal, "after_step", None)
        journal.recover(data)
        assert _state(data) == _state(after), stop  # the journal was written: as after
        assert _leftovers(data) == []


def test_a_failure_while_staging_leaves_the_data_as_before(before_after, tmp_path, monkeypatch):
    root, second, before, _ = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    written, real = [], storage.write_parquet

    def full_disk(table, target):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(target)
        real(table, target)

    monkeypatch.setattr(storage, "write_parquet", full_disk)
    with pytest.raises(WriteFailed, match="the disk is full .*nothing was changed"):
        ingest([second], "dossiers", data)
    assert _state(data) == _state(before) and _leftovers(data) == []


def test_a_full_disk_part_way_through_the_commit_is_finished_by_the_next_command(
    before_after, tmp_path, monkeypatch
):
    root, second, before, after = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    real = journal._write_manifest

    def full_disk(processed, manifest):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal, "_write_manifest", full_disk)
    with pytest.raises(WriteFailed, match="the next command puts it in place"):
        ingest([second], "dossiers", data)
    assert (storage.processed_dir(data) / journal.JOURNAL).exists()
    monkeypatch.setattr(journal, "_write_manifest", real)
    assert main(["mart", "--data-dir", str(data)]) == 0  # any command that reads the data
    assert _state(data) == _state(after) and _leftovers(data) == []


_KILLED = """
import os, signal, sys
from helpers.data import journal
from helpers.data.ingest import ingest
stop = int(sys.argv[3])
if stop == 0:  # before the journal: while the province-months are written into the staging folder
    real = journal.commit
    journal.commit = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
else:
    journal.after_step = lambda done: done == stop and os.kill(os.getpid(), signal.SIGKILL)
ingest([sys.argv[1]], "dossiers", sys.argv[2])
"""


@pytest.mark.parametrize("stop", [0, 1, 2, 4, 5])
def test_kill_9_at_any_point_then_the_next_command_cleans_up(before_after, tmp_path, capsys, stop):
    root, second, before, after = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    (storage.table_dir(data, "dossiers") / ".ingest-44.parquet.abcd.tmp").touch()  # an older leftover
    done = subprocess.run([sys.executable, "-c", _KILLED, str(second), str(data), str(stop)], check=False)
    assert done.returncode == -signal.SIGKILL
    assert list(storage.processed_dir(data).glob(".ingest-staging-*"))  # left by the killed run
    assert main(["mart", "--data-dir", str(data)]) == 0
    assert _state(data) == _state(before if stop == 0 else after)
    assert _leftovers(data) == []


def test_a_reader_waits_for_a_commit_and_sees_only_its_result(before_after, tmp_path):
    root, second, before, after = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    build_mart(data)
    halfway, go_on = threading.Event(), threading.Event()

    def pause(done):
        if done == 2:  # the journal written, one file moved
            halfway.set()
            go_on.wait(30)

    journal.after_step = pause
    try:
        writer = threading.Thread(target=ingest, args=([second], "dossiers", data))
        writer.start()
        assert halfway.wait(30)
        reader = threading.Thread(target=build_mart, args=(data,))
        reader.start()
        reader.join(0.5)
        assert reader.is_alive()  # the tables are locked while the commit runs
        go_on.set()
        writer.join(30)
        reader.join(60)
    finally:
        journal.after_step = None
        go_on.set()
    inputs = read_marker(data)["inputs"]
    stored = {f"dossiers/{p.name}" for p in storage.table_files(data, "dossiers")}
    assert set(inputs) == stored and _state(data) == _state(after)


def _flip(path: Path, at: float = 0.5) -> None:
    """Flip 64 bytes inside the file (a data page; the footer stays readable)."""
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    data[start : start + 64] = bytes(b ^ 0xFF for b in data[start : start + 64])
    path.write_bytes(bytes(data))


def test_a_processed_file_changed_since_written_is_named(before_after, tmp_path, capsys):
    _, _, before, _ = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    victim = storage.table_dir(data, "dossiers") / "ingest-44-2025-10.parquet"
    _flip(victim, at=0.1)
    assert pa.parquet.read_metadata(victim).num_rows == 5  # the footer is intact
    assert main(["mart", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{victim} has changed since it was written" in err and "p06 ingest" in err


def test_a_mart_block_changed_since_built_is_named(before_after, tmp_path, capsys):
    _, _, before, _ = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    build_mart(data)
    block = mart_dir(data) / "dossiers.parquet"
    _flip(block, at=0.2)
    assert main(["indicators", "--unit", "44", "--period", "2025-08", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{block} has changed since the mart was built" in err
    assert "p06 mart --force" in err
    assert main(["mart", "--force", "--data-dir", str(data)]) == 0


def test_a_code_no_unit_has_is_named_when_the_mart_is_built(before_after, tmp_path, capsys):
    _, _, before, _ = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    path = storage.table_files(data, "dossiers")[0]
    table = pa.parquet.read_table(path)
    communes = pa.array(["99999"] * table.num_rows, pa.string())
    table = table.set_column(table.schema.get_field_index("commune_code"), "commune_code", communes)
    storage.write_table(table, data, "dossiers", path.stem)  # recorded: only the code check sees it
    assert main(["mart", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert f"{path} holds commune_code '99999', which is no commune code of data/reference" in err


def test_a_staging_folder_of_a_live_run_is_left_alone(before_after, tmp_path):
    _, _, before, _ = before_after
    data = tmp_path / "data"
    shutil.copytree(before, data)
    live = storage.processed_dir(data) / ".ingest-staging-dossiers-live"
    live.mkdir()
    held = journal.own(live)
    try:
        journal.recover(data)
        assert live.exists()
    finally:
        held.close()
    journal.recover(data)
    assert not live.exists()
