from __future__ import annotations

import pandas as pd

from doisoat import schema
from doisoat.reports.summary_layout import IS_TOTAL, ROW_LABEL, level_groups, ordered_summary

from .conftest import summary_frame


def test_levels_in_order_each_total_first_then_offices_as_given() -> None:
    ordered = ordered_summary(summary_frame())
    assert ordered[schema.UNIT_CODE].tolist() == ["*", "TP", "*", "P1", "P2"]
    assert ordered[IS_TOTAL].tolist() == [True, False, True, False, False]
    assert ordered[ROW_LABEL].tolist() == [
        "Cấp thành phố", "Thành phố Tây Ninh", "Cấp xã, phường", "Phường 1", "Xã <Bình Minh>",
    ]
    groups = [(name, len(rows)) for name, rows in level_groups(ordered)]
    assert groups == [("Cấp thành phố", 2), ("Cấp xã, phường", 3)]


def test_unknown_levels_come_last_and_nameless_offices_show_their_code() -> None:
    summary = pd.concat([
        summary_frame(),
        summary_frame().iloc[[0]].assign(
            **{schema.LEVEL: "province", schema.UNIT_CODE: "T", schema.UNIT_NAME: None}
        ),
    ], ignore_index=True)
    ordered = ordered_summary(summary)
    assert ordered[schema.LEVEL].iloc[-1] == "province"
    assert ordered[ROW_LABEL].iloc[-1] == "T"
