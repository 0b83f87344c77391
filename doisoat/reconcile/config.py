"""Thresholds and tolerances of the engine, in one place (overridable from a YAML file)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from doisoat.errors import ConfigError


@dataclass(frozen=True)
class ReconcileConfig:
    """Tolerances of the matching and of the field comparison.

    max_entry_lag_days: the software's receipt date may trail the paper by up to this many
        working days (clerks enter records later): benign, not a date mismatch.
    applicant_threshold / applicant_given_name_threshold: rapidfuzz scores (0-100) at or above
        which two applicant names are the same person (full name, token-order-insensitive; and the
        given name, which tells two Nguyễn Văn … apart).
    procedure_threshold: score at or above which two procedure names unknown to the reference
        list are the same procedure.
    fuzzy_min_points: evidence points (see `evidence.py`) a pair needs to be linked without an
        agreeing, unambiguous dossier code.
    fuzzy_block_days: the fuzzy pass looks this many working days beyond the entry-lag window on
        each side (a pair outside the window loses a point for its dates, but can still link).
    same_time_minutes: receipt times of day at most this far apart agree.
    wide_window_days: rows still unlinked after the fuzzy pass link to a record of the same
        applicant and procedure in the same office at most this many working days apart (their
        dates then differ: a date_mismatch); 0 turns this last pass off.
    """

    max_entry_lag_days: int = 3
    applicant_threshold: float = 85.0
    applicant_given_name_threshold: float = 70.0
    procedure_threshold: float = 80.0
    fuzzy_min_points: float = 6.0
    fuzzy_block_days: int = 1
    same_time_minutes: int = 10
    wide_window_days: int = 30

    @classmethod
    def from_yaml(cls, path: Path) -> ReconcileConfig:
        """Read overrides from a YAML mapping; unknown keys are an error."""
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"{path}: unknown reconcile settings {sorted(unknown)}; known: {sorted(known)}")
        return cls(**data)
