"""Reads of the activities app: attendance (attendance.py), compliance (compliance.py)."""

from .attendance import AttendanceSummary, attendance_summary

__all__ = ["AttendanceSummary", "attendance_summary"]
