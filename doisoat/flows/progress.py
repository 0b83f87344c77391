"""A hook through which the CLI shows which stage a run is in (a no-op by default)."""

from __future__ import annotations

from collections.abc import Callable

STAGES: list[tuple[str, str]] = [
    ("read", "Đọc sổ giấy và dữ liệu phần mềm"),
    ("validate", "Kiểm tra dữ liệu"),
    ("reconcile", "Đối soát"),
    ("load", "Nạp kho dữ liệu"),
    ("checkpoint", "Kiểm tra chất lượng kho dữ liệu"),
    ("report", "Lập báo cáo"),
]

_listener: Callable[[str], None] | None = None


def set_listener(listener: Callable[[str], None] | None) -> None:
    """Install (or remove with None) the callable told the key of each stage as it starts."""
    global _listener
    _listener = listener


def stage(key: str) -> None:
    """Announce that stage `key` starts."""
    if _listener is not None:
        _listener(key)
