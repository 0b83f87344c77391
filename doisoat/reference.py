"""Domain reference tables shipped as data (see `doisoat/data/`, each row naming its source)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

_DATA = "doisoat.data"


def _read_csv(name: str) -> pd.DataFrame:
    with resources.files(_DATA).joinpath(name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


@cache
def procedures() -> pd.DataFrame:
    """Procedures: national code (where known), name, field (lĩnh vực), legal processing days."""
    df = _read_csv("procedures.csv")
    df["processing_days"] = df["processing_days"].astype(int)
    return df


@cache
def statuses() -> pd.DataFrame:
    """TrangThaiHoSo codes 1-10 with canonical status names and Vietnamese labels."""
    df = _read_csv("statuses.csv")
    df["open"] = df["open"] == "true"
    return df


@cache
def channels() -> pd.DataFrame:
    """KenhThucHien codes with canonical channel names and Vietnamese labels."""
    return _read_csv("channels.csv")


def data_text(name: str) -> str:
    """The text of a shipped data file."""
    return resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
