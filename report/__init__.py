"""The static HTML audit report: runs, removal charts, and every article with its removals
highlighted in the original order."""

from report.build import ReportResult, build_report, page_name

__all__ = ["ReportResult", "build_report", "page_name"]
