"""Models of the activities app: meetings and attendance (meetings.py), feedback cards (feedback.py)."""
