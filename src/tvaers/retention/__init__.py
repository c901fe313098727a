"""Retention: each kind of data kept for its period, then deleted (issue 10 #7)."""
