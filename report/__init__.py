"""The static HTML audit report: runs, removal charts, and every article with its removals
highlighted in the original order."""

from report.build import NotAReport, ReportResult, build_report, check_replaceable, page_name

__all__ = ["NotAReport", "ReportResult", "build_report", "check_replaceable", "page_name"]
