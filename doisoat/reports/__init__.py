"""The inspector report (report.html, report.xlsx) and the CSV outputs of a reconciliation run."""

from doisoat.reports.outputs import ReportPaths, RunInfo
from doisoat.reports.write import write_reports

__all__ = ["ReportPaths", "RunInfo", "write_reports"]
