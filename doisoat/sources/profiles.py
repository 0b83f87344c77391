"""Layout profiles, kept as YAML data in `doisoat/data/profiles/`.

A *ledger* profile (kind: paper) holds the header synonym table, title and footer markers of the
paper ledger. An *export* profile (kind: electronic) maps one vendor's column names and value
vocabularies to the canonical electronic record; the profile for a file is chosen from its header
(`choose_export_profile`). New vendors are new YAML files, not new code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from doisoat import reference, schema
from doisoat.errors import ConfigError, LayoutError, Location
from doisoat.sources.headers import HeaderTable
from doisoat.sources.text import fold_many, key_many

log = logging.getLogger(__name__)

PAPER = "paper"
ELECTRONIC = "electronic"

# Sub-columns of "Trả kết quả" on the paper ledger, in the order they are read.
RETURNED_EARLY = "returned_early"
RETURNED_ON_TIME = "returned_on_time"
RETURNED_LATE = "returned_late"
RETURN_COLUMNS: Mapping[str, str] = {
    RETURNED_EARLY: schema.EARLY, RETURNED_ON_TIME: schema.ON_TIME, RETURNED_LATE: schema.LATE,
}

LEDGER_FIELDS = frozenset({
    schema.SEQ, schema.DOSSIER_CODE, schema.PROCEDURE_NAME, schema.QUANTITY, schema.APPLICANT_NAME,
    schema.APPLICANT_CONTACT, schema.HANDLING_AGENCY, schema.RECEIVED_AT, schema.DUE_DATE,
    schema.TRANSFERRED_DATE, schema.RETURNED_DATE, schema.NOTE, *RETURN_COLUMNS,
})
EXPORT_FIELDS = frozenset({
    schema.SEQ, schema.DOSSIER_CODE, schema.PROCEDURE_NAME, schema.FIELD, schema.OFFICE_RAW,
    schema.APPLICANT_NAME, schema.RECEIVED_AT, schema.DUE_DATE, schema.RETURNED_DATE, schema.STATUS,
    schema.STATED_TIMELINESS, schema.CHANNEL,
})
# Value vocabularies an export profile can map, with the canonical values each may map to and the
# reference table (doisoat/reference.py, and its canonical column) whose Vietnamese labels and codes
# `reference:` includes.
VOCABULARIES: Mapping[str, tuple[Sequence[str], tuple[str, str] | None]] = {
    schema.STATUS: (schema.STATUSES, ("statuses", "status")),
    schema.CHANNEL: (schema.CHANNELS, ("channels", "channel")),
    schema.STATED_TIMELINESS: (schema.TIMELINESS, None),
}
_REFERENCE_TABLES = {"statuses": reference.statuses, "channels": reference.channels}

# libyaml's safe loader when PyYAML was built with it (same documents, ~10× faster).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PACKAGE = "doisoat.data"
_FOLDER = "profiles"


@dataclass(frozen=True)
class LedgerProfile:
    """How to find and read a paper ledger sheet."""

    name: str
    headers: HeaderTable
    required: tuple[tuple[str, ...], ...]
    tick_marks: frozenset[str]
    office_title_prefixes: tuple[str, ...]
    footer_patterns: tuple[re.Pattern[str], ...]
    header_search_rows: int = 40


@dataclass(frozen=True)
class ExportProfile:
    """One vendor's export layout: column names per field and value vocabularies."""

    name: str
    source: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    header_row: int = 1
    date_formats: tuple[str, ...] = ()
    vocabularies: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def locate(self, headers: Sequence[str]) -> dict[str, str]:
        """Field → the header (as written in the file) holding it; first listed name wins."""
        by_key: dict[str, str] = {}
        for header, key in zip(headers, key_many(headers), strict=True):
            by_key.setdefault(key, header)
        found: dict[str, str] = {}
        for name, candidates in self.columns.items():
            for key in key_many(candidates):
                match = by_key.get(key)
                if match is not None:
                    found[name] = match
                    break
        return found

    def missing(self, headers: Sequence[str]) -> list[str]:
        """Required fields absent from `headers`, each named by its first column name."""
        located = self.locate(headers)
        return [self.columns[f][0] for f in self.required if f not in located]


def _require(data: Mapping[str, Any], key: str, source: str) -> Any:
    if key not in data:
        raise ConfigError(f"profile {source}: missing key {key!r}")
    return data[key]


def _as_names(value: Any, source: str, what: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names) or not names:
        raise ConfigError(f"profile {source}: {what} must be a name or a non-empty list of names")
    return tuple(names)


def _check_fields(names: Sequence[str], allowed: frozenset[str], source: str, what: str) -> None:
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise ConfigError(f"profile {source}: unknown {what} {unknown}; known: {sorted(allowed)}")


def parse_ledger_profile(data: Mapping[str, Any], source: str) -> LedgerProfile:
    """A LedgerProfile from the YAML mapping of a kind: paper profile."""
    headers = {f: _as_names(v, source, f"headers.{f}") for f, v in _require(data, "headers", source).items()}
    _check_fields(list(headers), LEDGER_FIELDS, source, "header field")
    required = tuple(_as_names(g, source, "required group") for g in _require(data, "required", source))
    _check_fields([f for g in required for f in g], LEDGER_FIELDS, source, "required field")
    try:
        footers = tuple(re.compile(p) for p in data.get("footer_patterns", []))
    except re.error as exc:
        raise ConfigError(f"profile {source}: bad footer pattern: {exc}") from exc
    return LedgerProfile(
        name=str(data.get("name", source)),
        headers=HeaderTable(headers, tuple(data.get("ignore", ()))),
        required=required,
        tick_marks=frozenset(fold_many(str(t) for t in data.get("tick_marks", ()))),
        office_title_prefixes=tuple(data.get("office_title_prefixes", ("Ủy ban nhân dân", "UBND"))),
        footer_patterns=footers,
        header_search_rows=int(data.get("header_search_rows", 40)),
    )


def _vocabulary(name: str, spec: Mapping[str, Any], source: str) -> dict[str, str]:
    """Folded vendor value → canonical value, reference labels and codes included when asked."""
    allowed, reference_table = VOCABULARIES[name]
    table: dict[str, str] = {}
    ref = spec.get("reference")
    if ref:
        if reference_table is None or ref != reference_table[0]:
            raise ConfigError(f"profile {source}: vocabulary {name} cannot use reference {ref!r}")
        frame = _REFERENCE_TABLES[ref]()
        canonical = frame[reference_table[1]]
        for column in ("label_vi", "code"):
            keys = key_many(str(k) for k in frame[column])
            table.update(dict(zip(keys, canonical, strict=True)))
    values = spec.get("values") or {}
    for value in values.values():
        if value not in allowed:
            raise ConfigError(f"profile {source}: {name} value {value!r} not one of {list(allowed)}")
    table.update(zip(key_many(str(v) for v in values), values.values(), strict=True))
    return table


def parse_export_profile(data: Mapping[str, Any], source: str) -> ExportProfile:
    """An ExportProfile from the YAML mapping of a kind: electronic profile."""
    columns = {f: _as_names(v, source, f"columns.{f}") for f, v in _require(data, "columns", source).items()}
    _check_fields(list(columns), EXPORT_FIELDS, source, "column field")
    required = _as_names(_require(data, "required", source), source, "required")
    _check_fields(required, frozenset(columns), source, "required field (not in columns)")
    vocabularies = data.get("vocabularies") or {}
    _check_fields(list(vocabularies), frozenset(VOCABULARIES), source, "vocabulary")
    return ExportProfile(
        name=str(data.get("name", source)),
        source=source,
        columns=columns,
        required=required,
        header_row=int(data.get("header_row", 1)),
        date_formats=tuple(data.get("date_formats", ())),
        vocabularies={n: _vocabulary(n, spec or {}, source) for n, spec in vocabularies.items()},
    )


def _load_yaml(text: str, source: str) -> Mapping[str, Any]:
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader
    except yaml.YAMLError as exc:
        raise ConfigError(f"profile {source}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"profile {source}: expected a mapping at the top level")
    return data


def load_export_profile(path: Path) -> ExportProfile:
    """An export profile from a YAML file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"profile {path}: cannot read: {exc}") from exc
    data = _load_yaml(text, str(path))
    if data.get("kind", ELECTRONIC) != ELECTRONIC:
        raise ConfigError(f"profile {path}: kind {data.get('kind')!r} is not an export profile")
    return parse_export_profile(data, Path(path).name)


@cache
def _shipped() -> tuple[tuple[str, Mapping[str, Any]], ...]:
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    entries = sorted((e for e in folder.iterdir() if e.name.endswith((".yaml", ".yml"))),
                     key=lambda e: e.name)
    return tuple((e.name, _load_yaml(e.read_text(encoding="utf-8"), e.name)) for e in entries)


@cache
def shipped_export_profiles() -> tuple[ExportProfile, ...]:
    """The export profiles shipped in doisoat/data/profiles, by file name."""
    return tuple(parse_export_profile(d, n) for n, d in _shipped() if d.get("kind") == ELECTRONIC)


@cache
def ledger_profile() -> LedgerProfile:
    """The shipped paper ledger profile (Mẫu số 06)."""
    ledgers = [parse_ledger_profile(d, n) for n, d in _shipped() if d.get("kind") == PAPER]
    if not ledgers:
        raise ConfigError("no paper ledger profile (kind: paper) in doisoat/data/profiles")
    return ledgers[0]


def choose_export_profile(
    candidates: Sequence[tuple[int, Sequence[str]]], profiles: Sequence[ExportProfile], location: Location,
    *, any_row: bool = False,
) -> tuple[ExportProfile, int]:
    """The profile whose required columns are all in a header, and the header's row number.

    `candidates` are (row number, header texts) in the order to try. A profile is tried on its own
    `header_row` only, unless `any_row` (spreadsheet exports with title rows above the header).
    Several fitting profiles: the one locating most columns (the first on ties). None: LayoutError
    naming the closest profile and the columns it lacks.
    """
    if not profiles:
        raise LayoutError("no export profile to match the header against", location)
    closest: tuple[int, int, int, ExportProfile, Sequence[str]] | None = None
    for row, headers in candidates:
        eligible = [p for p in profiles if any_row or p.header_row == row]
        fitting = [p for p in eligible if not p.missing(headers)]
        if fitting:
            return max(fitting, key=lambda p: len(p.locate(headers))), row
        for order, p in enumerate(eligible):
            score = (len(p.missing(headers)), -len(p.locate(headers)), order, p, headers)
            if closest is None or score[:3] < closest[:3]:
                closest = score
    if closest is None:
        raise LayoutError("the file has no header row", location)
    profile, headers = closest[3], closest[4]
    lacking = ", ".join(repr(c) for c in profile.missing(headers))
    raise LayoutError(
        f"header matches no export profile; closest is {profile.name!r} ({profile.source}), "
        f"which lacks {lacking}", location,
    )
