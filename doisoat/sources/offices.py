"""Offices: turn the office names written in ledgers and exports into unit code, name and level.

A ledger title says "ỦY BAN NHÂN DÂN PHƯỜNG 1", an export says "UBND Phường 1": both reduce to the
label "Phường 1" (administrative prefix removed, abbreviations such as "TP." / "P." expanded) and
its key "phuong 1" (see `text.match_key`). With a registry the key is looked up among each office's
name and aliases; without one (or for a name the registry lacks) the unit is inferred: code = slug
of the key ("phuong-1"), name = the label in title case, level from the prefix.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from doisoat import schema
from doisoat.errors import ConfigError
from doisoat.sources.text import clean_many, clean_one, fold_many, key_many, key_one, slug

log = logging.getLogger(__name__)

# Words in front of the office name that are not part of it (folded, longest first).
ADMIN_PREFIXES = (
    "bo phan tiep nhan va tra ket qua", "bo phan tiep nhan & tra ket qua", "bo phan tn&tkq",
    "bo phan tn va tkq", "bo phan mot cua", "uy ban nhan dan", "ubnd",
)
# Abbreviations at the start of the name (folded regex → written form); single letters need a dot.
ABBREVIATIONS = (
    (r"t\.?p(?:\.\s*|\s+)", "Thành phố "), (r"t\.?x(?:\.\s*|\s+)", "Thị xã "),
    (r"t\.?t(?:\.\s*|\s+)", "Thị trấn "), (r"p\.\s*", "Phường "), (r"q\.\s*", "Quận "),
    (r"h\.\s*", "Huyện "), (r"x\.\s*", "Xã "),
)
# Level by the first words of the key.
LEVEL_PREFIXES = (
    ("thi tran", schema.LEVEL_WARD), ("thi xa", schema.LEVEL_CITY), ("thanh pho", schema.LEVEL_CITY),
    ("phuong", schema.LEVEL_WARD), ("xa", schema.LEVEL_WARD), ("quan", schema.LEVEL_CITY),
    ("huyen", schema.LEVEL_CITY),
)
UNIT_COLUMNS = [schema.UNIT_CODE, schema.UNIT_NAME, schema.LEVEL]
# Words of a file name that end the office part ("Phuong 1_thang 01_2019.xlsx").
_FILE_NAME_STOP = re.compile(r"^(\d{4}|nam|thang|quy|t\d{1,2}|so|q\d)$")


def office_labels(texts: Sequence[str]) -> list[str]:
    """`office_label` of each text; the text kernels run once per step for all of them."""
    labels = clean_many(texts)
    active = list(range(len(labels)))
    while active:  # strip administrative prefixes ("UBND", "Phường"…) while one is found
        stripped = []
        for i, folded in zip(active, fold_many(labels[i] for i in active), strict=True):
            label = labels[i]
            if not label or len(folded) != len(label):  # folding must keep positions to cut the text
                continue
            for prefix in ADMIN_PREFIXES:
                if folded == prefix or folded.startswith(prefix + " "):
                    labels[i] = label[len(prefix):].strip(" -:,")
                    stripped.append(i)
                    break
        active = stripped
    for i, folded in enumerate(fold_many(labels)):
        label = labels[i]
        if len(folded) == len(label):
            for pattern, expansion in ABBREVIATIONS:
                m = re.match(pattern, folded)
                if m and m.end() < len(folded):
                    labels[i] = expansion + label[m.end():].strip()
                    break
    return labels


def office_label(text: str) -> str:
    """The office name without administrative prefix, abbreviations expanded ("" when blank)."""
    return office_labels([text])[0]


def office_keys(texts: Sequence[str]) -> list[str]:
    """`office_key` of each text, computed together."""
    return key_many(office_labels(texts))


def office_key(text: str) -> str:
    """The comparison key of an office name ("UBND P.01" → "phuong 1")."""
    return office_keys([text])[0]


def level_of(key: str) -> str | None:
    """"ward" or "city" from the first words of an office key, None when unknown."""
    for prefix, level in LEVEL_PREFIXES:
        if key == prefix or key.startswith(prefix + " "):
            return level
    return None


def office_from_file_name(name: str) -> str:
    """The office part of a file name ("So theo doi - Phuong 1_2019.xlsx" → "Phuong 1"): from the
    first level word to a year/month word; the whole stem when no level word is found."""
    words = [w for w in re.split(r"[\s_\-.]+", Path(name).stem) if w]
    keys = key_many(words)
    starts = [i for i in range(len(words)) if level_of(" ".join(keys[i:i + 2])) or keys[i] == "ubnd"]
    if not starts:
        return " ".join(words)
    picked: list[str] = []
    for word, key in zip(words[starts[0]:], keys[starts[0]:], strict=True):
        if picked and _FILE_NAME_STOP.match(key):
            break
        picked.append(word)
    return " ".join(picked)


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    level: str | None


def infer_unit(text: str) -> _Unit | None:
    """The unit inferred from a name alone, None when blank."""
    label = office_label(text)
    key = key_one(label)
    if not key:
        return None
    return _Unit(slug(label), label.title(), level_of(key))


class OfficeRegistry:
    """Known offices (code, name, aliases, level, parent); empty = infer every office from its name."""

    def __init__(self, offices: pd.DataFrame | None = None, source: str = "office registry") -> None:
        frame = pd.DataFrame(columns=schema.OFFICE_COLUMNS) if offices is None else offices.copy()
        missing = [c for c in (schema.OFFICE_CODE, schema.OFFICE_NAME) if c not in frame.columns]
        if missing:
            raise ConfigError(f"{source}: missing column(s) {missing}; expected {schema.OFFICE_COLUMNS}")
        for column in schema.OFFICE_COLUMNS:
            if column not in frame.columns:
                frame[column] = ""
        frame = frame[schema.OFFICE_COLUMNS].fillna("").astype(str)
        self._offices = frame.reset_index(drop=True)
        self._by_key: dict[str, _Unit] = {}
        names = clean_many(self._offices[schema.OFFICE_NAME])
        aliases = [a for texts in self._offices[schema.OFFICE_ALIASES] for a in texts.split("|")]
        office_keys([*names, *aliases])  # computed together once; the per-office steps reuse them
        for row in self._offices.itertuples(index=False):  # once per office
            self._add(row._asdict(), source)

    def _add(self, row: Mapping[str, str], source: str) -> None:
        code, name = row[schema.OFFICE_CODE].strip(), clean_one(row[schema.OFFICE_NAME])
        if not code or not name:
            raise ConfigError(f"{source}: every office needs a code and a name (got {dict(row)})")
        level = row[schema.OFFICE_LEVEL].strip() or level_of(office_key(name))
        if level is not None and level not in schema.LEVELS:
            raise ConfigError(f"{source}: office {code}: level {level!r} not one of {schema.LEVELS}")
        unit = _Unit(code, name, level)
        aliases = [a for a in row[schema.OFFICE_ALIASES].split("|") if a.strip()]
        for text in [name, *aliases]:
            key = office_key(text)
            other = self._by_key.get(key)
            if other is not None and other.code != code:
                raise ConfigError(f"{source}: name {text!r} names both {other.code} and {code}")
            self._by_key[key] = unit

    def table(self) -> pd.DataFrame:
        """The registry as a frame with schema.OFFICE_COLUMNS (levels filled in where inferred)."""
        table = self._offices.copy()
        units = [self._by_key[office_key(name)] for name in table[schema.OFFICE_NAME]]
        table[schema.OFFICE_LEVEL] = [unit.level or "" for unit in units]
        return table

    def __len__(self) -> int:
        return len(self._offices)

    def _lookup(self, text: str) -> tuple[_Unit | None, bool]:
        unit = self._by_key.get(office_key(text))
        return (unit, True) if unit is not None else (infer_unit(text), False)

    def resolve(self, names: pd.Series) -> pd.DataFrame:
        """unit_code, unit_name, level for each name (index kept); inferred where the registry lacks
        the name, NA where the name is blank."""
        distinct = list(pd.unique(names.dropna()))
        office_keys(distinct)  # computed together once; the lookups reuse them
        units = {u: self._lookup(u)[0] for u in distinct}  # once per distinct name
        table = pd.DataFrame(
            [(u.code, u.name, u.level) if u else (None, None, None) for u in units.values()],
            index=pd.Index(list(units), dtype=object), columns=UNIT_COLUMNS,
        )
        out = table.reindex(names.to_numpy(dtype=object))
        out.index = names.index
        return out.astype("str")

    def known(self, names: pd.Series) -> pd.Series:
        """True where the registry holds the name (always False for an empty registry)."""
        found = {u: self._lookup(u)[1] for u in pd.unique(names.dropna())}
        return names.map(found).eq(True)


def _read_registry_file(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if suffix in (".yaml", ".yml"):
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data = data.get("offices")
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise ConfigError(f"{path}: expected a list of offices (or a mapping with key 'offices')")
        rows = [{k: "|".join(v) if isinstance(v, list) else ("" if v is None else str(v))
                 for k, v in d.items()} for d in data]
        return pd.DataFrame(rows)
    raise ConfigError(f"{path}: office registry must be .csv, .yaml or .yml")


def load_office_registry(path: Path) -> OfficeRegistry:
    """An office registry from a CSV or YAML file with columns code, name, aliases ("|"-separated,
    or a list in YAML), level, parent."""
    path = Path(path)
    try:
        frame = _read_registry_file(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, pd.errors.ParserError) as exc:
        raise ConfigError(f"{path}: cannot read the office registry: {exc}") from exc
    return OfficeRegistry(frame, source=str(path))
