"""Key normalisation for comparing what two clerks typed: dossier codes and folded text."""

from __future__ import annotations

import pandas as pd

# Dash look-alikes and separators clerks type inside dossier codes.
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-", "_": "-", "/": "-"})
_VIET_D = str.maketrans({"đ": "d", "Đ": "D"})


def normalise_code(codes: pd.Series) -> pd.Series:
    """Upper-case, drop every whitespace, unify dash look-alikes; blank → NA."""
    s = codes.astype("string").str.upper().str.replace(r"\s+", "", regex=True)
    s = s.str.translate(_DASHES)
    return s.mask(s.isna() | (s == ""))


def fold_text(text: pd.Series) -> pd.Series:
    """Lower-case, diacritics removed (đ → d), whitespace collapsed: 'Nguyễn  Văn A' → 'nguyen van a'.

    Used to compare names typed with and without diacritics; never shown to users.
    """
    s = text.astype("string").str.translate(_VIET_D).str.normalize("NFD")
    s = s.str.replace("[\u0300-\u036f]", "", regex=True).str.lower()
    s = s.str.replace(r"[^\w]+", " ", regex=True).str.strip()
    return s.mask(s == "")
