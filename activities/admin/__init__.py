"""Admins of the activities app: meetings (meetings.py), feedback cards (feedback.py)."""
