"""sitepush: Markdown to a fast, correct website on AWS, and keeps it published."""

__version__ = "0.1.0"
