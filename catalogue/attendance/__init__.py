"""Attendance per half-day, sign-in sheets, signing, certificates of completion, retention."""
