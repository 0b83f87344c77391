"""Read the inputs into canonical DataFrames: paper ledgers (Mẫu số 06 workbooks) and software
exports (CSV / xlsx through a YAML profile), with lineage on every row and a log of every file."""

from doisoat.sources.electronic import read_electronic_exports
from doisoat.sources.offices import OfficeRegistry, load_office_registry
from doisoat.sources.paper import read_paper_ledgers
from doisoat.sources.result import ReadResult

__all__ = [
    "OfficeRegistry", "ReadResult", "load_office_registry", "read_electronic_exports", "read_paper_ledgers",
]
