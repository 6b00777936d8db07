"""How names are compared when a person types or says them: no case, accents or spaces."""

from __future__ import annotations

import unicodedata


def folded(name: str) -> str:
    """`name` as names are compared: "Lebak Gede", "lebakgede" and "LEBAK GÉDE" are equal."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(kept.split()).casefold()
