"""How sitepush says numbers to a person: one place, so every command says them alike."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """``1 page``, ``2,950 pages``: a count with its noun in the right number."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
