"""One run, one commit: the files a run staged replace the stored ones in one step.

A writer (`p06 ingest`, `p06 sample`) writes its new files into a staging folder under
processed/, then `commit` writes a journal of every move and deletion to make, and only then
makes them; the journal is removed when they are done. Writing the journal is the commit:
a run killed before it leaves the data as before (and its staging folder, which the next
run removes); killed after, the next run replays the journal and the data is as after.
`recover` does both; every command calls it before it reads or writes the data. A lock
keeps a commit out while the mart reads the tables (readers hold it shared).

processed/MANIFEST.json records the sha256 of every file committed (or written by
`storage.write_table`), so that a file whose bytes changed since is named before it is read
(`changed_files`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.data import storage

JOURNAL = ".commit-journal.json"
MANIFEST = "MANIFEST.json"
LOCK = ".lock"
OWNER = ".owner"
"""In a staging folder: the file its run holds locked while it lives."""
STAGING = (".ingest-staging-", ".sample-staging")
STALE_SECONDS = 600
"""A staging folder without an owner, or a temporary file of a folder nobody locks, older than
this is a leftover (a live run creates its owner file as it creates the folder)."""

after_step: Callable[[int], object] | None = None
"""Called after each step of a commit with the steps done (tests stop a commit part way)."""


# ---- locks ---------------------------------------------------------------------------------------


@contextmanager
def locked(folder: Path, shared: bool = False, wait: bool = True) -> Iterator[bool]:
    """Hold `folder`'s lock (shared: many readers; else one writer). Yields whether it is
    held: False without `wait` when another process holds it, and for a shared lock on a
    folder that does not exist (nothing to read)."""
    if shared and not folder.is_dir():
        yield False
        return
    folder.mkdir(parents=True, exist_ok=True)
    try:
        handle = open(folder / LOCK, "a+")  # noqa: SIM115 - closed below
    except OSError:  # a folder this user may read but not write: nobody writes it through us
        yield True
        return
    with handle:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, mode)
        except BlockingIOError:
            yield False
            return
        except OSError:  # a file system without locks: go on unlocked
            yield True
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def own(folder: Path):
    """Mark `folder` (a staging folder) as this process's while the returned handle is open."""
    handle = open(folder / OWNER, "a+")  # noqa: SIM115 - held for the life of the folder
    with contextlib.suppress(OSError):
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle


def _abandoned(folder: Path) -> bool:
    """Whether a staging folder's run is gone (killed, or its machine restarted)."""
    owner = folder / OWNER
    if not owner.exists():
        return time.time() - folder.stat().st_mtime > STALE_SECONDS
    with open(owner, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:
            return time.time() - folder.stat().st_mtime > STALE_SECONDS
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


# ---- the manifest --------------------------------------------------------------------------------


def read_manifest(data_dir: Path | str) -> dict[str, str]:
    """`table/file.parquet` → sha256 of every file committed to processed/."""
    path = storage.processed_dir(data_dir) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_manifest(processed: Path, manifest: dict[str, str]) -> None:
    storage.write_text_atomic(processed / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def record(data_dir: Path | str, digests: dict[str, str]) -> None:
    """Add files written in place (`table/file` → sha256) to the manifest."""
    processed = storage.processed_dir(data_dir)
    with locked(processed):
        _write_manifest(processed, {**read_manifest(data_dir), **digests})


def changed_files(data_dir: Path | str, files: list[dict]) -> list[str]:
    """The files (`{"file": "table/name", "sha256": ...}`, as `fingerprints.data_files` gives
    them) whose content is not what the manifest recorded when they were written."""
    manifest = read_manifest(data_dir)
    return [f["file"] for f in files if manifest.get(f["file"], f["sha256"]) != f["sha256"]]


# ---- the commit ----------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # a folder some file systems do not sync
        pass
    finally:
        os.close(fd)


def _step(done: int) -> int:
    if after_step is not None:
        after_step(done + 1)
    return done + 1


def commit(
    data_dir: Path | str, moves: list[tuple[Path, Path]], deletes: list[Path], digests: dict[Path, str]
) -> None:
    """Move staged files onto their places (`moves`: staged → stored, both under processed/)
    and delete `deletes`, as one step; record the moved files' sha256 (`digests`, by stored
    path) in the manifest."""
    processed = storage.processed_dir(data_dir)

    def rel(path: Path) -> str:
        return path.relative_to(processed).as_posix()

    entry = {
        "moves": [[rel(a), rel(b)] for a, b in moves],
        "deletes": [rel(p) for p in deletes],
        "digests": {rel(p): h for p, h in digests.items()},
    }
    for staged, _ in moves:
        _fsync(staged)
    with locked(processed):
        _replay(processed)  # a commit interrupted before this one, first
        storage.write_text_atomic(processed / JOURNAL, json.dumps(entry) + "\n")
        _fsync(processed)
        _apply(processed, entry, _step(0))


def _apply(processed: Path, entry: dict, done: int = 0) -> None:
    """Make the journal's moves and deletions (again: each is skipped where done already),
    update the manifest, then remove the journal."""
    folders = set()
    for staged, stored in entry["moves"]:
        source, target = processed / staged, processed / stored
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            folders.add(target.parent)
            done = _step(done)
    for name in entry["deletes"]:
        (processed / name).unlink(missing_ok=True)
        done = _step(done)
    manifest = {**read_manifest(processed.parent), **entry["digests"]}
    for name in entry["deletes"]:
        manifest.pop(name, None)
    _write_manifest(processed, manifest)
    for folder in folders:
        _fsync(folder)
    (processed / JOURNAL).unlink()
    _fsync(processed)
    _step(done)


def _replay(processed: Path) -> bool:
    journal = processed / JOURNAL
    if not journal.exists():
        return False
    _apply(processed, json.loads(journal.read_text(encoding="utf-8")))
    return True


def finish(data_dir: Path | str) -> bool:
    """Complete a commit left part way in this data folder, if any; whether none is left."""
    processed = storage.processed_dir(data_dir)
    if not (processed / JOURNAL).exists():
        return True
    try:
        with locked(processed):
            _replay(processed)
    except OSError:
        return False
    return True


# ---- leftovers -----------------------------------------------------------------------------------


def recover(data_dir: Path | str) -> None:
    """Finish what an interrupted run left: replay a journal (its commit was made), remove
    staging folders whose run is gone and temporary files nobody is writing."""
    processed = storage.processed_dir(data_dir)
    if processed.is_dir():
        if (processed / JOURNAL).exists():
            with locked(processed):
                _replay(processed)
        for folder in processed.iterdir():
            if folder.is_dir() and folder.name.startswith(STAGING) and _abandoned(folder):
                shutil.rmtree(folder, ignore_errors=True)
        with locked(processed, wait=False) as held:  # a writer holds it while its files are temporary
            if held:
                _remove_temporary([processed, *(p for p in processed.iterdir() if p.is_dir())])
    mart = Path(data_dir) / "mart"
    if mart.is_dir():
        with locked(mart, wait=False) as held:
            if held:
                _remove_temporary([mart])
        _remove_temporary([mart / "shared"], older_than=STALE_SECONDS)


def _remove_temporary(folders: list[Path], older_than: float = 0) -> None:
    """Remove the temporary files `storage.atomic_path` leaves when its process is killed."""
    now = time.time()
    for folder in folders:
        if folder.name.startswith(STAGING) or not folder.is_dir():
            continue
        for path in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime >= older_than:
                    path.unlink()
