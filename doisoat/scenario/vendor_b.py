"""A second vendor's export, written from its shipped profile (doisoat/data/profiles/*.yaml).

The profile is the contract: its first column name for each field, its first date format, its first
vocabulary word for each canonical status, channel and timeliness (or the reference code when the
profile takes codes from statuses.csv / channels.csv). So the generator writes whatever the readers
are told to read, and a renamed column in the profile renames it here too.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Final

import pandas as pd
import yaml

from doisoat import reference
from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.spec import OfficeSpec

DEFAULT_PROFILE: Final = "default"
_VALUES: Final = {c.STATUS: k.E_STATUS, c.CHANNEL: k.E_CHANNEL, c.STATED_TIMELINESS: k.E_PROGRESS}


@cache
def vendor_b_profile() -> dict[str, Any] | None:
    """The first shipped export profile other than the default one, as YAML data (None if none)."""
    folder = resources.files("doisoat.data").joinpath("profiles")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith((".yaml", ".yml")):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        if data.get("kind") == "electronic" and data.get("name") != DEFAULT_PROFILE:
            data["_file"] = entry.name
            return dict(data)
    return None


def _words(profile: dict[str, Any], field: str) -> dict[str, str]:
    """Canonical value → the vendor's word for it."""
    vocabulary = (profile.get("vocabularies") or {}).get(field) or {}
    words: dict[str, str] = {}
    for word, value in (vocabulary.get("values") or {}).items():
        words.setdefault(str(value), str(word))
    table = {"statuses": (reference.statuses, c.STATUS), "channels": (reference.channels, c.CHANNEL)}
    if vocabulary.get("reference") in table:
        load, column = table[vocabulary["reference"]]
        for _, row in load().iterrows():  # ten rows
            words.setdefault(str(row[column]), str(row["code"]))
    return words


def vendor_b_frame(rows: pd.DataFrame, office: OfficeSpec) -> pd.DataFrame:
    """The export's cells in the second vendor's layout."""
    profile = vendor_b_profile()
    if profile is None:
        raise LookupError("no second export profile is shipped in doisoat/data/profiles")
    fmt = (profile.get("date_formats") or ["%Y-%m-%d %H:%M:%S"])[0]
    cells: dict[str, pd.Series] = {
        c.SEQ: pd.Series(range(1, len(rows) + 1), index=rows.index).astype("str"),
        c.DOSSIER_CODE: rows[c.DOSSIER_CODE], c.PROCEDURE_NAME: rows[k.E_PROCEDURE], c.FIELD: rows[k.E_FIELD],
        c.OFFICE_RAW: pd.Series(office.software_name, index=rows.index, dtype="str"),
        c.APPLICANT_NAME: rows[k.E_APPLICANT],
        c.RECEIVED_AT: rows[k.E_RECEIVED].dt.strftime(fmt),
        c.DUE_DATE: (rows[k.E_DUE] + pd.Timedelta(hours=17)).dt.strftime(fmt),
        c.RETURNED_DATE: rows[k.E_RETURNED].dt.strftime(fmt),
    }
    for field, column in _VALUES.items():
        cells[field] = rows[column].map(_words(profile, field))
    out = {}
    for field, names in (profile.get("columns") or {}).items():
        if field in cells:
            first = names if isinstance(names, str) else names[0]
            out[str(first)] = cells[field].astype("str")
    return pd.DataFrame(out)
