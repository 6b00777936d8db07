"""Translatable texts: one TOML catalog a language in `kiosk/locale/`, Bahasa Indonesia first.

Translators edit the catalogs only; code asks for a text by key, e.g.
``text("error.title_too_short", "id", minimum=5)``. A key missing from a
language falls back to Indonesian, so a half-done translation never shows a
raw key to a citizen.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("id", "en")
FALLBACK = "id"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(language: str) -> dict[str, str]:
    if language not in LANGUAGES:
        raise KeyError(f"no catalog for language {language!r}")
    raw = resources.files("kiosk.locale").joinpath(f"{language}.toml").read_text("utf-8")
    return _flatten(tomllib.loads(raw))


def has_text(key: str) -> bool:
    return key in catalog(FALLBACK)


def text(key: str, language: str = FALLBACK, **params: object) -> str:
    """The text for `key` in `language`, with `{name}` placeholders filled from `params`."""
    template = catalog(language).get(key) or catalog(FALLBACK)[key]
    return template.format(**params)
