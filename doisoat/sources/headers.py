"""Header synonym tables: which canonical field a header cell names.

The tables are data (`doisoat/data/profiles/*.yaml`); this module only matches. Texts are compared
by `match_key` (case, diacritics, punctuation, parentheses and whitespace ignored). Matching goes
from strict to loose and stops at the first tier that finds something: equal → starts with →
contains as whole words (longest synonym wins, so "Hẹn trả kết quả" is not "Trả kết quả") → near
spelling (rapidfuzz ratio, for typos).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz, process

from doisoat.sources.text import key_many, match_key

# A header known not to name a field (group headers, columns not read).
IGNORE = "__ignore__"
FUZZY_CUTOFF = 90.0


@dataclass(frozen=True)
class HeaderTable:
    """Synonyms per field; `ignore` lists headers that must not match a field."""

    synonyms: Mapping[str, Sequence[str]]
    ignore: Sequence[str] = ()

    @cached_property
    def _keys(self) -> dict[str, str]:
        """Folded synonym → field (IGNORE for ignored headers)."""
        labelled = [(text, field) for field, texts in self.synonyms.items() for text in texts]
        labelled += [(text, IGNORE) for text in self.ignore]
        table: dict[str, str] = {}
        for key, (_, field) in zip(key_many(text for text, _ in labelled), labelled, strict=True):
            table.setdefault(key, field)
        table.pop("", None)
        return table

    @cached_property
    def _by_length(self) -> list[str]:
        return sorted(self._keys, key=len, reverse=True)

    def match(self, header: str) -> str | None:
        """The field `header` names, IGNORE for a known non-field header, None when unknown."""
        return self.match_many([header])[0]

    def match_many(self, headers: Sequence[str]) -> list[str | None]:
        """`match` of each header (their keys computed in one vectorised call)."""
        return [self.match_for_key(key or "") for key in match_key(list(headers)).to_pylist()]

    def match_for_key(self, key: str) -> str | None:
        """`match` of a header given by its `match_key`."""
        if not key:
            return None
        keys = self._keys
        if key in keys:
            return keys[key]
        padded = f" {key} "
        for synonym in self._by_length:  # longest first
            if key.startswith(synonym + " "):
                return keys[synonym]
        for synonym in self._by_length:
            if f" {synonym} " in padded:
                return keys[synonym]
        best = process.extractOne(key, list(keys), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return keys[best[0]] if best else None
