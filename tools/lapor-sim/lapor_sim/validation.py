"""Validation of `POST /complaints/complaint` bodies, with reasons in Indonesian.

ASSUMED (the real rules are not public): which fields are required, the length limits of
title (1..150) and content (10..10000), classification ids 1..4, `YYYY-MM-DD` dates, that
unknown extra fields are ignored rather than refused, and that a new reporter
(`is_new_user_slider`) comes with a name, e-mail or phone. `is_anonymous` (*anonim*) hides the
reporter from the public and may come with an identity (for follow-up); `is_secret`
(*rahasia*) keeps the whole report from the public.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date
from typing import Any

from lapor_sim import clock

Check = Callable[[Any], str | None]
"""Returns the reason a present, non-null value is refused, or None when it is fine."""

CLASSIFICATIONS = range(1, 5)
"""1 pengaduan, 2 aspirasi, 3 permintaan informasi, 4 whistle blowing."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ValidationError(Exception):
    """The body was refused; `errors` maps each failing field to its reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Validation failed")
        self.errors = errors


@dataclass(frozen=True)
class Field:
    label: str
    """The field's name in Indonesian, used in reasons."""
    check: Check
    required: bool = False
    default: Any = None
    """Stored when the field is absent (or null, for optional fields)."""


@dataclass(frozen=True)
class ValidComplaint:
    fields: dict[str, Any]
    """Every known field, with defaults filled in; what the simulator stores."""
    attachment_ids: list[int]


def _text(label: str, low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"{label} harus berupa teks."
        if not value.strip():
            return f"{label} wajib diisi."
        if len(value.strip()) < low:
            return f"{label} minimal {low} karakter."
        if len(value) > high:
            return f"{label} maksimal {high} karakter."
        return None

    return check


def _string(label: str) -> Check:
    return lambda value: None if isinstance(value, str) else f"{label} harus berupa teks."


def _flag(label: str) -> Check:
    return lambda value: None if isinstance(value, bool) else f"{label} harus true atau false."


def _integer(label: str, allowed: Container[int], refusal: str) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{label} harus berupa angka."
        return None if value in allowed else refusal

    return check


def _incident_date(value: Any) -> str | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return "Tanggal kejadian harus berformat YYYY-MM-DD."
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "Tanggal kejadian tidak ada di kalender."
    if day > clock.latest_incident_date():
        return "Tanggal kejadian tidak boleh di masa depan."
    return None


def parse_attachment_ids(value: str) -> list[int]:
    """`"[4199656, 4199657]"` -> `[4199656, 4199657]`; ValueError for anything else."""
    parsed = json.loads(value)
    if not isinstance(parsed, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in parsed
    ):
        raise ValueError("not a list of integers")
    return parsed


class ComplaintValidator:
    """Checks create bodies against the masters, the channel id and the uploaded files."""

    def __init__(
        self,
        *,
        channel_id: int,
        category_ids: frozenset[int],
        institution_ids: frozenset[int],
        location_ids: frozenset[int],
        missing_files: Callable[[list[int]], list[int]],
    ) -> None:
        self._missing_files = missing_files
        self.fields: dict[str, Field] = {
            "title": Field("Judul", _text("Judul", 1, 150), required=True),
            "content": Field("Isi laporan", _text("Isi laporan", 10, 10000), required=True),
            "channel": Field(
                "Kanal",
                _integer("Kanal", {channel_id}, "Kanal tidak terdaftar untuk kredensial ini."),
                required=True,
            ),
            "classification_id": Field(
                "Klasifikasi",
                _integer(
                    "Klasifikasi",
                    CLASSIFICATIONS,
                    "Klasifikasi harus 1 (pengaduan), 2 (aspirasi), 3 (permintaan informasi)"
                    " atau 4 (whistle blowing).",
                ),
                required=True,
            ),
            "category_id": Field(
                "Kategori", _integer("Kategori", category_ids, "Kategori tidak ditemukan.")
            ),
            "disposition_id": Field(
                "Instansi tujuan",
                _integer("Instansi tujuan", institution_ids, "Instansi tujuan tidak ditemukan."),
            ),
            "location_id": Field(
                "Lokasi", _integer("Lokasi", location_ids, "Lokasi tidak ditemukan.")
            ),
            "date_of_incident": Field("Tanggal kejadian", _incident_date, required=True),
            "tags_raw": Field("Tag", _string("Tag"), default=""),
            "is_anonymous": Field("Anonim", _flag("Anonim"), default=False),
            "is_secret": Field("Rahasia", _flag("Rahasia"), default=False),
            "is_new_user_slider": Field("Pelapor baru", _flag("Pelapor baru"), default=False),
            "nameUser": Field("Nama pelapor", _string("Nama pelapor"), default=""),
            "emailUser": Field("Email pelapor", _string("Email pelapor"), default=""),
            "phoneUser": Field("Telepon pelapor", _string("Telepon pelapor"), default=""),
            "attachments": Field("Lampiran", self._check_attachments, default="[]"),
        }

    def _check_attachments(self, value: Any) -> str | None:
        try:
            file_ids = parse_attachment_ids(value) if isinstance(value, str) else None
        except ValueError:
            file_ids = None
        if file_ids is None:
            return 'Lampiran harus berupa teks seperti "[4199656, 4199657]" atau "[]".'
        missing = self._missing_files(file_ids)
        if missing:
            return f"Lampiran tidak ditemukan: {', '.join(map(str, missing))}."
        return None

    def validate(self, body: Any) -> ValidComplaint:
        """The stored form of a valid body; raises ValidationError listing every failing field."""
        if not isinstance(body, dict):
            raise ValidationError({"body": ["Isi permintaan harus berupa objek JSON."]})
        errors: dict[str, list[str]] = {}
        clean: dict[str, Any] = {}
        for name, field in self.fields.items():
            value = body.get(name)
            if value is None:
                if field.required:
                    errors[name] = [f"{field.label} wajib diisi."]
                clean[name] = field.default
                continue
            reason = field.check(value)
            if reason:
                errors[name] = [reason]
            clean[name] = value
        identity = [clean[name] for name in ("nameUser", "emailUser", "phoneUser")]
        if clean["is_new_user_slider"] is True and not any(identity):
            errors["is_new_user_slider"] = ["Pelapor baru wajib diisi nama, email, atau telepon."]
        if errors:
            raise ValidationError(errors)
        return ValidComplaint(clean, parse_attachment_ids(clean["attachments"]))
