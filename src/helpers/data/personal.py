"""Personal data of citizens found by content, in any text (Decree 13/2023/NĐ-CP).

One finder for every layer that reads text from outside (exports, portal pages, committee
task lists): `find` gives the spans of personal data in one text, `mask` replaces them by
the token of data/reference/personal_data.yml, and `scan` does both for a whole column,
reading each distinct value once (a million rows of a few thousand distinct values cost a
few thousand readings).

Four kinds are found:
- `email`: an e-mail address;
- `phone`: a Vietnamese phone number, 0 or +84 then 9 or 10 digits, grouped by spaces,
  dots or dashes as people write them (0912 345 678, +84 912.345.678);
- `id_number`: a 12-digit citizen ID (CCCD) or a 9-digit former ID (CMND) standing alone:
  digits inside a code (000.00.15.H45-240105-0001, 2.002345.000.00.00.H45), a date, an
  amount with separators (1.234.567.890) or a number followed by a currency word are not;
- `name`: a family name followed by one to four capitalised words (Nguyễn Văn Bình, also
  inside a sentence, in capitals, or without diacritics), unless the words name a place or
  a body: after a place word (xã, phường, đường, Sở...), or a province or commune's name
  (Lê Lợi, Lâm Đồng), or a public name (Hồ Chí Minh). Where every word of a text is
  capitalised (a title in Title Case), only a name with a middle name (Văn, Thị...) or after
  a word announcing a person (công dân, ông, bà) counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from helpers.core import reference

REFERENCE_FILE = "personal_data.yml"
KINDS = ("name", "id_number", "phone", "email")
"""What `find` looks for, in the order a summary names them."""

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# digits a code, date or amount continues on either side (a letter, a digit, . , / - or +)
_BEFORE, _AFTER = r"(?<![\w.,/+\-])", r"(?![\w/\-]|[.,]\d)"
_PHONE = re.compile(_BEFORE + r"(?:\+84|84|0)[ .\-]?[2-9](?:[ .\-]?\d){8,9}" + _AFTER)
_ID = re.compile(_BEFORE + r"(?:\d{12}|\d{9}|0\d\d(?: \d{3}){3}|\d{4} \d{4} \d{4})" + _AFTER)
_WORD = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+)?")
# a pattern matched against data, not text a reader sees (the middle names Văn and Thị)
_CANDIDATE = r"@|\d[\d .\-]{7,}\d|\p{Lu}\S*\s+\p{Lu}|\s(?:văn|thị|van|thi)\s"
"""Values `scan` reads in Python (RE2, over the distinct values at once): any other value
holds no e-mail, no long number and no two capitalised words running, so nothing to find."""
_LONGEST_NAME = 5


@dataclass(frozen=True)
class Found:
    """One stretch of personal data in a text: its kind and where it is."""

    kind: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _words() -> dict:
    spec = reference.load_yaml(REFERENCE_FILE)

    def phrases(key: str) -> frozenset[tuple[str, ...]]:
        return frozenset(_key(p) for p in spec[key])

    units = [
        *reference.provinces()["short_name_vi"],
        *reference.legacy_provinces()["short_name_vi"],
        *reference.communes()["name_vi"].str.split(" ", n=1).str[1],
    ]
    known = {_key(n) for n in [*units, *spec["public_names"]]}
    return {
        "mask": spec["mask"],
        "surnames": {s.lower() for s in spec["surnames"]},
        "folded_surnames": {_fold(s) for s in spec["surnames"]},
        "middle": {_fold(s) for s in spec["middle_names"]},
        "lower_middle": {f(s) for s in spec["lower_case_middle_names"] for f in (str.lower, _fold)},
        "person": phrases("person_words"),
        "place": phrases("place_words"),
        "known": frozenset(k for k in known if len(k) >= 2),
        "amount": re.compile(
            r"\s*(?:" + "|".join(re.escape(w) for w in spec["amount_words"]) + r")(?!\w)", re.IGNORECASE
        ),
    }


def _fold(word: str) -> str:
    return reference.fold(word).lower()


def _key(text: str) -> tuple[str, ...]:
    return tuple(_fold(w) for w in _WORD.findall(text))


def mask_token() -> str:
    """What stands where personal data was: `[đã ẩn]`."""
    return _words()["mask"]


# ---- one text ---------------------------------------------------------------------------------


def _numbers(text: str) -> list[Found]:
    out = [Found("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    amount = _words()["amount"]
    for kind, pattern in (("phone", _PHONE), ("id_number", _ID)):
        for m in pattern.finditer(text):
            if kind == "id_number" and amount.match(text, m.end()):
                continue  # 500000000 đồng: an amount
            out.append(Found(kind, m.start(), m.end()))
    return out


def _is_surname(word: str) -> bool:
    w = _words()
    return _fold(word) in w["folded_surnames"] if word.isascii() else word.lower() in w["surnames"]


def _ends_with(before: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    """Whether the words `before` end with one of `phrases` (folded word tuples)."""
    return any(tuple(before[-n:]) in phrases for n in (1, 2, 3, 4) if len(before) >= n)


def _names(text: str) -> list[Found]:
    """People's names: runs of capitalised words (or a lower-case name with Văn or Thị)."""
    words = list(_WORD.finditer(text))
    if not words:
        return []
    letters = [m.group() for m in words]
    shouting = len(letters) >= 2 and all(x.isupper() for x in letters)
    capital = [x[0].isupper() and (shouting or len(x) == 1 or not x.isupper()) for x in letters]
    title_case = len(letters) >= 4 and sum(capital) >= 0.75 * len(letters)
    folded = [_fold(x) for x in letters]
    out: list[Found] = []
    i = 0
    while i < len(words):
        n = _name_length(text, words, letters, folded, capital, title_case, i)
        if n:
            out.append(Found("name", words[i].start(), words[i + n - 1].end()))
            i += n
        else:
            i += 1
    return out


def _name_length(text, words, letters, folded, capital, title_case, i) -> int:
    """How many words from word `i` on make a person's name (0: none starts there)."""
    w = _words()
    lower = not capital[i] and letters[i].islower()
    if lower:  # nguyễn văn bình: only with Văn or Thị, three words (a fourth is a sentence's)
        run = 1
        while (
            run < 3
            and i + run < len(words)
            and letters[i + run].islower()
            and not text[words[i + run - 1].end() : words[i + run].start()].strip()
        ):
            run += 1
        if run < 3:
            return 0
        middle = _fold(letters[i + 1]) if letters[i + 1].isascii() else letters[i + 1]
        ok = middle in w["lower_middle"] and _is_surname(letters[i])
        return run if ok and not _ends_with(folded[:i], w["place"]) else 0
    if not capital[i]:
        return 0
    run = 1
    while (
        run < _LONGEST_NAME
        and i + run < len(words)
        and capital[i + run]
        and (folded[i + run],) not in w["place"]  # Nguyễn Văn Bình Sở Tư pháp: a body starts
        and not text[words[i + run - 1].end() : words[i + run].start()].strip()
    ):
        run += 1
    if run < 2:
        return 0
    gap = text[words[i - 1].end() : words[i].start()] if i else ""
    announced = i > 0 and not gap.strip(" :") and _ends_with(folded[:i], w["person"])
    middle = folded[i + 1] in w["middle"] and run >= 3
    if not _is_surname(letters[i]):
        return run if announced and middle else 0
    if announced:
        return run
    if _ends_with(folded[:i], w["place"]):
        return 0
    if any(tuple(folded[i : i + n]) in w["known"] for n in range(2, run + 2)):
        return 0  # a province's or commune's name, or a public one
    return run if middle or not title_case else 0


def find(text: str) -> list[Found]:
    """Every stretch of personal data in `text`, in order (text is read in Unicode NFC)."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text)
    numbers = _numbers(text)
    taken = [(f.start, f.end) for f in numbers]
    names = [f for f in _names(text) if not any(s < f.end and f.start < e for s, e in taken)]
    found = sorted(numbers + names, key=lambda f: (f.start, -f.end))
    out: list[Found] = []
    for f in found:  # overlapping stretches (an e-mail's digits): the first, longest, wins
        if not out or f.start >= out[-1].end:
            out.append(f)
    return out


def kinds(text: str) -> frozenset[str]:
    """The kinds of personal data in `text`."""
    return frozenset(f.kind for f in find(text))


def is_personal(text: str) -> bool:
    return bool(find(text))


def mask(text: str) -> str:
    """`text` with every stretch of personal data replaced by the mask token (the text
    itself, unchanged, where there is none)."""
    found = find(text)
    if not found:
        return text
    text = unicodedata.normalize("NFC", text)
    token, parts, at = mask_token(), [], 0
    for f in found:
        parts += [text[at : f.start], token]
        at = f.end
    return "".join(parts) + text[at:]


# ---- a whole column ---------------------------------------------------------------------------


@dataclass
class Scan:
    """A column read for personal data: which rows hold some (`flags`), the column with it
    masked in place (`masked`), and how many rows hold each kind (`counts`)."""

    flags: np.ndarray
    masked: pa.Array
    counts: Counter = field(default_factory=Counter)
    _codes: np.ndarray = field(default=None, repr=False)
    _kinds: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def found(self) -> int:
        """How many rows hold personal data."""
        return int(self.flags.sum())

    def kinds_at(self, row: int) -> frozenset[str]:
        """The kinds of personal data in the value at position `row`."""
        return self._kinds.get(int(self._codes[row]), frozenset()) if self._codes is not None else frozenset()


def _as_array(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if pa.types.is_string(values.type) else values.cast(pa.string())
    if hasattr(values, "__arrow_array__") or hasattr(values, "to_numpy"):
        return pa.array(values, type=pa.string(), from_pandas=True)
    return pa.array(list(values), type=pa.string(), from_pandas=True)


def scan(values) -> Scan:
    """Read a column (Arrow strings, a pandas or NumPy column, or a list of str/None) for
    personal data, each distinct value once."""
    array = _as_array(values)
    encoded = pc.dictionary_encode(array)
    uniques = encoded.dictionary
    candidate = pc.fill_null(pc.match_substring_regex(uniques, _CANDIDATE), False)
    at = np.flatnonzero(candidate.to_numpy(zero_copy_only=False))
    texts = uniques.take(pa.array(at, pa.int64())).to_pylist()
    found = {int(i): kinds(text) for i, text in zip(at, texts, strict=True)}
    found = {i: k for i, k in found.items() if k}
    if not found:
        return Scan(np.zeros(len(array), dtype=bool), array)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    hit = np.zeros(len(uniques) + 1, dtype=bool)  # the last: empty cells (-1)
    hit[list(found)] = True
    flags = hit[codes]
    per_unique = np.bincount(codes[flags], minlength=len(uniques))
    counts: Counter = Counter()
    for i, found_kinds in found.items():
        for kind in found_kinds:
            counts[kind] += int(per_unique[i])
    replaced = uniques.to_pylist()
    for i in found:
        replaced[i] = mask(replaced[i])
    masked = pa.array(replaced, pa.string()).take(encoded.indices)
    return Scan(flags, masked, counts, codes, found)


def describe_kinds(counts: Counter | dict) -> str:
    """`2 names, 1 phone number`: what a scan found, for a summary line (English)."""
    words = {"name": "name", "id_number": "ID number", "phone": "phone number", "email": "e-mail address"}
    parts = [f"{counts[k]:,} {words[k]}{'' if counts[k] == 1 else 's'}" for k in KINDS if counts.get(k)]
    return ", ".join(parts)
