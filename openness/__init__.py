"""openness: how open is an AI model release, and what does its licence let you do."""

__version__ = "0.1.0"
