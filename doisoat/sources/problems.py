"""Per-row parse messages ("<column header>: <problem> '<cell text>'"), built and joined with Arrow."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

SEPARATOR = "; "


def no_messages(length: int) -> pa.Array:
    """A message column with no message."""
    return pa.nulls(length, pa.string())


def cell_message(mask: pa.Array, header: str, problem: str, cells: pa.Array) -> pa.Array:
    """`<header>: <problem> '<cell>'` where `mask` is true, null elsewhere (built only for those rows)."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return no_messages(len(mask))
    cells = pc.fill_null(pc.filter(cells, mask), "")
    text = pc.binary_join_element_wise(f"{header}: {problem} '", cells, "'", "")
    return pc.replace_with_mask(no_messages(len(mask)), mask, text)


def join_messages(messages: list[pa.Array], length: int) -> pa.Array:
    """"; "-joined messages per row, null when a row has none."""
    joined = no_messages(length)
    for message in messages:
        if message.null_count == len(message):
            continue
        if joined.null_count == len(joined):
            joined = message
            continue
        joined = pc.coalesce(pc.binary_join_element_wise(joined, message, SEPARATOR), joined, message)
    return joined
