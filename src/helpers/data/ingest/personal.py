"""No personal data of citizens is stored (Decree 13/2023/NĐ-CP).

A column is personal when its header names personal data (ingest_aliases.yml
`personal_headers`) or when most of a sample of its values are ID numbers, phone numbers,
e-mail addresses or people's names. Personal columns are never read. Dossier identifiers
are kept only as salted hashes: stable within one data folder, not reversible without
its salt file (which ingest creates on the first write, readable by its owner only).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.data import storage
from helpers.data.ingest import vocab
from helpers.data.ingest.values import blank, parse_text
from helpers.data.ingest.vocab import norm

SALT_FILE = ".salt"
SAMPLE_SIZE = 1_000
"""How many non-blank values of a column are looked at to tell whether it is personal."""

PSEUDONYMISED = {"dossiers": "dossier_id"}
"""The identifier column of each table kept only as a salted hash."""

_CONTACT = re.compile(r"(\d{9}|\d{12}|(\+?84|0)\d{9,10})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def personal_value(text: str) -> bool:
    """An ID number (9 or 12 digits), a phone number, an e-mail address or a person's name."""
    if _EMAIL.fullmatch(text.strip().lower()):
        return True
    if _CONTACT.fullmatch(re.sub(r"[\s.\-]", "", text)):
        return True
    words = text.split()
    if not 2 <= len(words) <= 5 or not text[:1].isupper():
        return False
    first = words[0].lower()
    # with its diacritics where written (Đang is not Đặng), folded where the export has none
    return first in vocab.surnames() if not first.isascii() else norm(first) in vocab.folded_surnames()


def sample(values, size: int = SAMPLE_SIZE) -> list[str]:
    """Up to `size` non-blank values of a column, as text, from its start."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        head = pc.utf8_trim_whitespace(values.slice(0, size * 4))
        head = head.filter(pc.and_(pc.is_valid(head), pc.not_equal(head, "")))
        return head.slice(0, size).to_pylist()
    out = []
    for value in values[: size * 4]:
        if not blank(value):
            out.append(parse_text(value))
            if len(out) == size:
                break
    return out


def looks_personal(values) -> bool:
    """Most of a sample of the column's values look like personal data."""
    texts = sample(values)
    return bool(texts) and sum(map(personal_value, texts)) >= max(1, 0.5 * len(texts))


def salt(data_dir: Path | str) -> tuple[str, bool]:
    """The data folder's salt, and whether it is new (then `save_salt` before writing)."""
    path = storage.processed_dir(data_dir) / SALT_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), False
    return secrets.token_hex(32), True


def save_salt(data_dir: Path | str, value: str) -> None:
    path = storage.processed_dir(data_dir) / SALT_FILE
    storage.write_text_atomic(path, value, mode=0o600)  # private from the first byte


def pseudonymise(ids: pa.Array | np.ndarray, value: str, con) -> pa.Array:
    """Identifiers as the first 24 hex digits of sha256(salt || id), in DuckDB (about
    twice as fast as hashlib over a million ids); missing identifiers stay missing."""
    column = pa.table(
        {"id": ids if isinstance(ids, pa.Array | pa.ChunkedArray) else pa.array(ids, pa.string())}
    )
    con.register("ingest_ids", column)
    try:
        hashed = con.sql(
            "SELECT substr(sha256($salt || id), 1, 24) AS h FROM ingest_ids", params={"salt": value}
        )
        return hashed.to_arrow_table().column("h").combine_chunks()
    finally:
        con.unregister("ingest_ids")
