"""Sentiment and stance scoring of posts (issue 4)."""
