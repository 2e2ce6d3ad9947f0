"""Writing per province-month: chunks are staged beside the data, and only once every
file has passed are they written, one Parquet file per province-month, into the staging
folder too; then one commit (`helpers.data.journal`) puts them in place of what was stored
for those province-months, so that an interrupted run leaves the data as before or as after.

A province-month is named by the unit in force that month: `44-2025-08` (a current
province, from July 2025) or `legacy-45-2024-01` (a former province, before): so the
exports of two former provinces that now form one never replace each other.

A stored file records the canonical columns its export lacked (`storage.to_canonical`),
so rows of one province-month from exports carrying different columns go to separate
files: `ingest-44-2025-08.parquet`, `ingest-44-2025-08.1.parquet`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from helpers.core.units import REORGANISATION, Unit, slug
from helpers.data import journal, schema, storage
from helpers.data.fingerprints import file_digest

FILE_PREFIX = "ingest-"
_CUTOFF = np.datetime64(REORGANISATION, "ms")
_MONTHS = 1_000_000


def partition_keys(frame: pd.DataFrame, table: str) -> tuple[np.ndarray, list[str]]:
    """The province-month of every row, as codes into the province-months' names. A row
    without a date or a province (never written: it is a problem of its run) is named
    `unknown` or `undated` rather than stop the run here. Totals to a date are a part of
    their own (`44-2026-06-totals`): a month's figures ingested again never replace them."""
    when = frame[schema.table(table).date_column].to_numpy(dtype="datetime64[ms]")
    month = when.astype("datetime64[M]")
    province, provinces = pd.factorize(frame["province_code"])
    legacy, legacies = pd.factorize(frame["legacy_province_code"])
    before = (when < _CUTOFF) & (legacy >= 0)
    units = [*provinces, *(slug(Unit("legacy_province", code)) for code in legacies), "unknown"]
    unit = np.where(before, legacy + len(provinces), province)
    unit = np.where(unit < 0, len(units) - 1, unit)
    # months since 1970, made positive; 0 for a row without a date
    shifted = np.where(np.isnat(when), 0, month.astype(np.int64) + _MONTHS)
    totals = frame["figures"].eq("to_date").fillna(False).to_numpy(bool) if "figures" in frame else False
    codes, keys = pd.factorize((unit.astype(np.int64) * 2 * _MONTHS + shifted) * 2 + totals)
    names = [
        f"{units[k // 2 // (2 * _MONTHS)]}-{_month_name(k // 2 % (2 * _MONTHS))}{'-totals' if k % 2 else ''}"
        for k in keys
    ]
    return codes.astype(np.int64), names


def _month_name(shifted: int) -> str:
    return "undated" if shifted == 0 else str(np.datetime64(int(shifted - _MONTHS), "M"))


def stored_files(target_dir: Path, key: str) -> list[Path]:
    """The files ingest wrote for one province-month."""
    if not target_dir.is_dir():
        return []
    main = target_dir / f"{FILE_PREFIX}{key}.parquet"
    return ([main] if main.exists() else []) + sorted(target_dir.glob(f"{FILE_PREFIX}{key}.*.parquet"))


class Stage:
    """Staged chunks of one ingest run; nothing is visible to readers until `commit`."""

    def __init__(self, data_dir: Path | str, table: str):
        self.data_dir, self.table = Path(data_dir), table
        self.folder: Path | None = None
        self._owner = None
        self._created_processed = False
        self._count = 0
        self._groups: dict[tuple[str, ...], int] = {}

    def _open(self) -> Path:
        if self.folder is None:
            processed = storage.processed_dir(self.data_dir)
            self._created_processed = not processed.exists()
            processed.mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix=f".ingest-staging-{self.table}-", dir=processed))
            self._owner = journal.own(self.folder)
        return self.folder

    def add(self, data: pa.Table, keys: tuple[np.ndarray, list[str]]) -> None:
        """Stage rows of the canonical columns an export carries, split by province-month
        (`partition_keys`), in the order given."""
        folder = self._open()
        group = self._groups.setdefault(tuple(data.column_names), len(self._groups))
        codes, names = keys
        order = np.argsort(codes, kind="stable")
        data = data.take(pa.array(order))
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        options = ipc.IpcWriteOptions(compression="lz4")
        for code, key in enumerate(names):
            part = data.slice(bounds[code], bounds[code + 1] - bounds[code])
            target = folder / key / f"{group:04d}-{self._count:08d}.arrow"
            target.parent.mkdir(exist_ok=True)
            with ipc.new_file(target, part.schema, options=options) as writer:
                writer.write_table(part)
        self._count += 1

    def commit(self) -> tuple[dict[str, int], list[str]]:
        """Write the staged province-months and put them in place of what was stored for
        them, in one commit; return the rows written per province-month and the
        province-months replaced."""
        written, replaced = {}, []
        if self.folder is None:
            return written, replaced
        target_dir = storage.table_dir(self.data_dir, self.table)
        out = self.folder / "parquet"
        moves, deletes, digests = [], [], {}
        for folder in sorted(p for p in self.folder.iterdir() if p.is_dir() and p != out):
            key = folder.name
            stored = stored_files(target_dir, key)
            if stored:
                replaced.append(key)
            groups: dict[str, list[Path]] = {}
            for path in sorted(folder.glob("*.arrow")):
                groups.setdefault(path.name.split("-")[0], []).append(path)
            names = []
            for number, paths in enumerate(groups[g] for g in sorted(groups)):
                data = pa.concat_tables(ipc.open_file(path).read_all() for path in paths)
                data = storage.to_canonical(self.table, data.combine_chunks())
                name = f"{FILE_PREFIX}{key}{f'.{number}' if number else ''}.parquet"
                staged = out / name
                storage.write_parquet(data, staged)
                moves.append((staged, target_dir / name))
                digests[target_dir / name] = file_digest(staged)
                names.append(name)
                written[key] = written.get(key, 0) + data.num_rows
            shutil.rmtree(folder)  # its chunks are in the Parquet file now: half the room
            deletes += [path for path in stored if path.name not in names]
        journal.commit(self.data_dir, moves, deletes, digests)
        return written, replaced

    def cleanup(self) -> None:
        """Remove the staging folder, unless a commit recorded in the journal still needs
        its files (a commit that failed part way, with a full disk): then the next run that
        can, finishes it."""
        if self.folder is not None:
            if not journal.finish(self.data_dir):
                self._owner.close()
                self.folder = None
                return
            shutil.rmtree(self.folder, ignore_errors=True)
            self._owner.close()
            processed = self.folder.parent
            if self._created_processed and processed.exists() and not any(processed.iterdir()):
                processed.rmdir()
            self.folder = None
