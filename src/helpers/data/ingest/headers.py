"""Headers as provincial systems print them, matched to canonical columns.

A header is compared folded (no case, diacritics, punctuation or parenthesised text) with
the aliases of data/reference/ingest_aliases.yml: first exactly; then approximately, where
it is a known alias of two words or more with words added around it ("Ngày tiếp nhận hồ
sơ" for "Ngày tiếp nhận"), or a known alias with only filler words left out ("Ngày nhận"
for "Ngày nhận hồ sơ"). A header that could be two columns is not guessed: it is listed.
A header that names personal data is never read. Any other header is listed with the
closest known headers, so that a user can add it as an alias in one line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache

from helpers.data.ingest import vocab
from helpers.data.ingest.vocab import norm

HEADER_SEARCH_ROWS = 30
"""The header row is looked for among the first rows (title and date lines above it)."""

HEADER_WORDS = 15
"""A cell of more words is a sentence (a note, a title), never read approximately as a header."""

EXACT, APPROXIMATE, PERSONAL, AMBIGUOUS, UNKNOWN = "exact", "approximate", "personal", "ambiguous", "unknown"


@lru_cache(maxsize=8)
def _alias_words(table: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((tuple(alias.split()), key) for alias, key in vocab.exact_headers(table).items())


@lru_cache(maxsize=8)
def _vocabulary_words(table: str) -> frozenset[str]:
    return frozenset(word for alias, _ in _alias_words(table) for word in alias)


def _find(part: tuple[str, ...], whole: tuple[str, ...]) -> int | None:
    """Where `part` occurs as consecutive words of `whole`."""
    for start in range(len(whole) - len(part) + 1):
        if whole[start : start + len(part)] == part:
            return start
    return None


def _only_filler(words: tuple[str, ...]) -> bool:
    """Whether `words` is made of filler phrases only (the empty tuple is)."""
    if not words:
        return True
    return any(
        words[: len(phrase)] == phrase and _only_filler(words[len(phrase) :])
        for phrase in vocab.filler_phrases()
    )


def _filler_left_out(words: tuple[str, ...], alias: tuple[str, ...]) -> bool:
    """Whether `words` is `alias` with only filler words left out around it."""
    at = _find(words, alias)
    return at is not None and _only_filler(alias[:at]) and _only_filler(alias[at + len(words) :])


@lru_cache(maxsize=4096)
def classify(header: str, table: str) -> tuple[str, tuple[str, ...]]:
    """(how a header is read, the header keys it may be): EXACT or APPROXIMATE with one
    key, AMBIGUOUS with several, PERSONAL, or UNKNOWN."""
    folded = norm(header)
    if not folded:
        return UNKNOWN, ()
    exact = vocab.exact_headers(table).get(folded)
    if exact is not None:
        return EXACT, (exact,)
    padded = f" {folded} "
    if any(f" {term} " in padded for term in vocab.personal_terms(table)):
        return PERSONAL, ()
    words = tuple(folded.split())
    if not set(words) & _vocabulary_words(table) or len(words) > HEADER_WORDS:
        return UNKNOWN, ()  # a value or a sentence rather than a header
    keys, spans = set(), []
    for alias, key in _alias_words(table):
        at = _find(alias, words) if len(alias) >= 2 else None
        if at is not None:
            spans.append((at, at + len(alias), key))  # words added around a known alias
        elif len(words) >= 2 and _filler_left_out(words, alias):
            keys.add(key)
    # an alias found inside a longer one found at the same place is part of it: "Level-2 e-ID
    # applications in the month" is level-2 applications, not e-ID applications
    keys |= {k for a, b, k in spans if not any(c <= a and b <= d and (c, d) != (a, b) for c, d, _ in spans)}
    if len(keys) == 1:
        return APPROXIMATE, tuple(keys)
    ordered = tuple(k for k in vocab.column_specs(table) if k in keys)
    return (AMBIGUOUS, ordered) if keys else (UNKNOWN, ())


def score(cells: list, table: str) -> int:
    """How many cells of a row read as distinct canonical columns."""
    keys = set()
    for cell in cells:
        if cell is None or str(cell).strip() == "":
            continue
        how, found = classify(str(cell), table)
        if how in (EXACT, APPROXIMATE):
            keys.add(found[0])
    return len(keys)


def find_header(rows: list[list], table: str) -> int | None:
    """The index of the row (among the first rows) naming the most canonical columns, at
    least two: title and date lines above it, and merged group headers, are skipped."""
    best = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = score(cells, table)
        if hits >= 2 and (best is None or hits > best[0]):
            best = (hits, index)
    return None if best is None else best[1]


@lru_cache(maxsize=8)
def _known(table: str) -> dict[str, tuple[str, str]]:
    """Folded alias → (the alias as written, its header key), for suggestions."""
    out = {}
    for key, spec in vocab.column_specs(table).items():
        for alias in spec["vi"] + spec["en"]:
            out.setdefault(norm(alias), (alias, key))
    return out


def closest(header: str, table: str, n: int = 3) -> list[dict]:
    """The known headers most like `header` (difflib on folded text)."""
    known = _known(table)
    found = difflib.get_close_matches(norm(header), list(known), n=n, cutoff=0.5)
    return [{"header": known[f][0], "column": vocab.canonical_of(known[f][1])} for f in found]


@dataclass
class Match:
    """How the header row of one sheet is read."""

    columns: dict[str, int] = field(default_factory=dict)  # header key → position
    headers: dict[str, str] = field(default_factory=dict)  # header key → header as written
    approximate: dict[str, str] = field(default_factory=dict)  # header as written → header key
    personal: dict[int, str] = field(default_factory=dict)  # position → header (by header)
    unread: dict[int, str] = field(default_factory=dict)  # position → header, not used
    ignored: list[dict] = field(default_factory=list)  # unread headers, why, and the closest
    twice: list[tuple[str, str, str]] = field(default_factory=list)  # (key, first, second header)

    def drop(self, key: str) -> None:
        """Stop reading a column (its content turned out to be personal data)."""
        position = self.columns.pop(key)
        header = self.headers.pop(key)
        self.approximate.pop(header, None)
        self.personal[position] = header


def match(cells: list, table: str) -> Match:
    """Read a header row: exact aliases first, then approximate ones."""
    out = Match()
    pending = []
    for position, cell in enumerate(cells):
        header = "" if cell is None else str(cell).strip()
        if not header:
            continue
        how, keys = classify(header, table)
        if how == EXACT:
            if keys[0] in out.headers:
                out.twice.append((keys[0], out.headers[keys[0]], header))
                continue
            out.columns[keys[0]], out.headers[keys[0]] = position, header
        elif how == PERSONAL:
            out.personal[position] = header
        else:
            pending.append((position, header, how, keys))
    for position, header, how, keys in pending:
        out.unread[position] = header
        if how == APPROXIMATE and keys[0] not in out.headers:
            del out.unread[position]
            out.columns[keys[0]], out.headers[keys[0]] = position, header
            out.approximate[header] = keys[0]
            continue
        if how == APPROXIMATE:
            reason = f"{vocab.canonical_of(keys[0])} is read from {out.headers[keys[0]]!r}"
        elif how == AMBIGUOUS:
            reason = "could be " + " or ".join(vocab.canonical_of(k) for k in keys) + ": not guessed"
        else:
            reason = None
        out.ignored.append({"header": header, "reason": reason, "closest": closest(header, table)})
    return out
