"""Writing the sample: `write_sample`, staged and published only when every file is valid,
and never into a folder that holds the user's own data."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from helpers.core.errors import InputError
from helpers.data import journal, storage
from helpers.data.fingerprints import file_digest
from helpers.data.sample.dossiers import dossier_table
from helpers.data.sample.generator import DEFAULT_SEED, Generator
from helpers.data.sample.identification import identification_table
from helpers.data.sample.official import index_table
from helpers.data.sample.procedures import procedure_table
from helpers.data.sample.services import services_table
from helpers.data.sample.tally import Tally
from helpers.data.sample.tasks import task_table

MARKER = storage.SAMPLE_MARKER
STAGING = ".sample-staging"
"""Folder under processed/ where a run writes before anything is moved into place."""


def write_sample(
    data_dir: Path | str,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    legacy_codes: list[str] | None = None,
    validate: bool = True,
    progress: Callable[[str], object] | None = None,
) -> dict[str, int]:
    """Generate the sample into `data_dir`/processed and return the rows written per table.

    Files are written into a staging folder and moved into place only when all of them are
    valid, so an interrupted run leaves the previous data as it was.
    """
    if not scale > 0:
        raise InputError(f"invalid scale {scale!r}: must be a positive number")
    processed = storage.processed_dir(data_dir)
    _refuse_mixing_with_user_data(processed)
    gen = Generator(scale=scale, seed=seed, legacy_codes=legacy_codes)
    journal.recover(data_dir)
    staging = processed / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    owner = journal.own(staging)
    counts: dict[str, int] = {}
    try:
        _write_tables(gen, staging, counts, validate, progress)
        marker = {
            "synthetic": True,
            "generator": "helpers.data.sample",
            "seed": seed,
            "scale": scale,
            "legacy_provinces": legacy_codes or "all",
            "months": [f"{gen.months[0]:%Y-%m}", f"{gen.months[-1]:%Y-%m}"],
            "rows": counts,
        }
        storage.write_text_atomic(staging / MARKER, json.dumps(marker, indent=2) + "\n")
        _publish(data_dir, staging, processed)
    finally:
        if journal.finish(data_dir):  # else the next run finishes the commit from the staging folder
            shutil.rmtree(staging, ignore_errors=True)
        owner.close()
    return counts


def _write_tables(
    gen: Generator,
    staging: Path,
    counts: dict[str, int],
    validate: bool,
    progress: Callable[[str], object] | None,
) -> None:
    """Every table into `staging`: dossiers by month, procedures by year, the rest whole; the
    official index last, from what the portal would count of the dossiers."""
    tally = Tally(gen)
    for col, month in enumerate(gen.months):
        dossiers = dossier_table(gen, col)
        tally.add(dossiers, col)
        _write(staging, "dossiers", f"sample-{month:%Y-%m}", dossiers, counts, validate)
        if progress:
            progress(f"dossiers {month:%Y-%m}")
    procedures = procedure_table(gen)
    for year in sorted({m.year for m in gen.months}):
        in_year = procedures.filter(pc.equal(pc.year(procedures["month"]), year))
        _write(staging, "procedures", f"sample-{year}", in_year, counts, validate)
    for table, content in (
        ("identification", identification_table(gen)),
        ("services", services_table(gen)),
        ("tasks", task_table(gen)),
    ):
        _write(staging, table, "sample-all", content, counts, validate)
        if progress:
            progress(table)
    _write(staging, "index_766", "sample-all", index_table(gen, tally, procedures), counts, validate)
    if progress:
        progress("index_766")


def _write(staging: Path, table: str, name: str, content: pa.Table, counts: dict, validate: bool) -> None:
    """One file with every canonical column (those the sample does not make are empty),
    checked against the table's contract first when `validate`."""
    content = storage.to_canonical(table, content)
    if validate:
        from helpers.data.validation import validate as check

        frame = content.to_pandas(date_as_object=False)
        frame.index = frame.index + 1
        check(table, frame)
    storage.write_parquet(content, staging / table / f"{name}.parquet")
    counts[table] = counts.get(table, 0) + content.num_rows


def _refuse_mixing_with_user_data(processed: Path) -> None:
    """Stop when `processed` holds Parquet files the sample did not write (names not `sample-*`)."""
    own = (
        [
            p
            for t in storage.TABLES
            for p in (processed / t).glob("*.parquet")
            if not p.name.startswith("sample-")
        ]
        if processed.is_dir()
        else []
    )
    if own:
        raise InputError(
            f"{processed} holds data that is not the sample ({own[0]} and {len(own) - 1} more): "
            "generate the sample into another folder with --data-dir"
        )


def _publish(data_dir: Path | str, staging: Path, processed: Path) -> None:
    """Put the staged files in place and remove sample files the new run did not make, in
    one commit."""
    moves, deletes, digests = [], [], {}
    for table in storage.TABLES:
        new = {p.name for p in (staging / table).glob("*.parquet")}
        target = processed / table
        deletes += [old for old in sorted(target.glob("sample-*.parquet")) if old.name not in new]
        for name in sorted(new):
            moves.append((staging / table / name, target / name))
            digests[target / name] = file_digest(staging / table / name)
    moves.append((staging / MARKER, processed / MARKER))
    journal.commit(data_dir, moves, deletes, digests)
