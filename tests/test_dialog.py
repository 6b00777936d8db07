"""The dialog engine without any window: every flow, rule and time-out, on a real store."""

import re
import shutil
import subprocess
import sys
from dataclasses import fields

import pytest

from kiosk import outbox
from kiosk import report_rules as rules
from kiosk.adapters.base import ComplaintStatus, FollowUp
from kiosk.config import DataConfig, KioskConfig, TerminalConfig
from kiosk.engine.dialog import Dialog
from kiosk.engine.draft import Draft
from kiosk.engine.events import Back, Cancel, Choose, MoreTime, Next, Tick, Type
from kiosk.engine.screen_spec import RecordingSpec, ScreenSpec, store_choice
from kiosk.engine.screens import SCREENS, Screen
from kiosk.engine.session_settings import SessionSettings
from kiosk.engine.view import Choice, ScreenKind
from kiosk.i18n import LANGUAGES, catalog, text
from kiosk.receipt import new_code, normalize_code
from kiosk.regions import load_city
from kiosk.report import Classification, Place, Report
from kiosk.store import find_by_code
from kiosk.terminal import TerminalServices, follow_up_result
from kiosk.tracking import TrackResult


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


COBLONG, DAGO = "32.73.02", "32.73.02.1004"
SUGGESTED_FOR_ROADS = "3273103"
"""Dinas Sumber Daya Air dan Bina Marga: Kota Bandung's city file routes roads (4) there."""


@pytest.fixture(scope="module")
def region_cache(tmp_path_factory):
    """Kota Bandung extracted once (half a second in a child), copied into each terminal."""
    folder = tmp_path_factory.mktemp("region")
    load_city("32.73", folder)
    return folder / "region-32.73.json"


@pytest.fixture
def services(tmp_path, region_cache):
    shutil.copy(region_cache, tmp_path)
    config = KioskConfig(terminal=TerminalConfig(number=77), data=DataConfig(dir=tmp_path))
    terminal = TerminalServices(config)
    yield terminal
    terminal.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def dialog(services, clock):
    settings = SessionSettings(idle_timeout_s=120, warning_s=30, receipt_timeout_s=60)
    return Dialog(services, settings, clock=clock)


def start_filing(dialog: Dialog, language: str = "id") -> None:
    dialog.handle(Choose(language))
    dialog.handle(Choose("file"))


def type_and_next(dialog: Dialog, value: str):
    dialog.handle(Type(value))
    return dialog.handle(Next())


def to_the_agency(dialog: Dialog, classification: str, category: str, detail: str = ""):
    """From the menu through the place (Coblong, Dago) to the agency screen (in an audio
    session, the place's detail is not recorded)."""
    for choice in (classification, category, COBLONG, DAGO):
        dialog.handle(Choose(choice))
    return dialog.handle(Next()) if dialog.draft.audio else type_and_next(dialog, detail)


def to_the_title(dialog: Dialog, category: str = "1"):
    start_filing(dialog)
    to_the_agency(dialog, "pengaduan", category)
    return dialog.handle(Choose("skip"))


def to_an_anonymous_review(dialog: Dialog, title: str, content: str):
    """From the agency (left to LAPOR!'s staff) to the review: the report typed, today,
    anonymous and public."""
    dialog.handle(Choose("skip"))
    type_and_next(dialog, title)
    type_and_next(dialog, content)
    dialog.handle(Choose("today"))
    dialog.handle(Choose("anonymous"))
    return dialog.handle(Choose("public"))


def file_named_report(dialog: Dialog):
    start_filing(dialog)
    to_the_agency(dialog, "pengaduan", "4", "Jl. Dago, depan Pasar Simpang")
    dialog.handle(Choose(SUGGESTED_FOR_ROADS))
    type_and_next(dialog, "Jalan berlubang di depan pasar")
    type_and_next(dialog, "Lubang besar di Jalan Dago membahayakan pengendara motor.")
    dialog.handle(Choose("yesterday"))
    dialog.handle(Choose("named"))
    type_and_next(dialog, "Siti Aminah")
    type_and_next(dialog, "+62 812 3456 7890")
    return dialog.handle(Choose("public"))


def test_welcome_offers_both_languages_indonesian_first(dialog):
    view = dialog.view()
    assert view.screen == "welcome"
    assert [choice.label for choice in view.choices] == ["Bahasa Indonesia", "English"]
    assert view.title == "Selamat datang di LAPOR!"
    assert not view.can_go_back


def test_filing_flow_with_progress_and_review(dialog, services):
    start_filing(dialog)
    view = dialog.view()
    assert (view.screen, view.progress) == ("classification", "Langkah 1 dari 6")
    assert view.choices[0].hint == "Ada layanan publik yang bermasalah"
    review = file_named_report(dialog)
    assert review.screen == "review" and review.progress == "Langkah 6 dari 6"
    values = {choice.id: choice.hint for choice in review.choices}
    assert values["title"] == "Jalan berlubang di depan pasar"
    assert values["kecamatan"] == "Dago, Coblong, Kota Bandung"
    assert values["location"] == "Jl. Dago, depan Pasar Simpang"
    assert values["agency"] == "Dinas Sumber Daya Air dan Bina Marga"
    assert values["identity"] == "Dengan nama saya: Siti Aminah, +62 812 3456 7890"
    receipt = dialog.handle(Next())
    assert receipt.screen == "receipt"
    stored = find_by_code(services.conn, normalize_code(receipt.code))
    assert stored.report.reporter.phone == "081234567890"
    assert stored.report.institution_id == int(SUGGESTED_FOR_ROADS)
    assert stored.report.category_id == 4
    assert stored.report.place == Place(DAGO, "Kota Bandung", "Coblong", "Dago")
    assert stored.report.location == "Jl. Dago, depan Pasar Simpang"
    assert outbox.by_code(services.conn, stored.code).state == "queued"
    assert dialog.draft.name == "" and dialog.draft.title == ""  # wiped once stored
    assert not receipt.can_go_back


def test_anonymous_report_never_asks_for_identity(dialog, services):
    start_filing(dialog)
    to_the_agency(dialog, "aspirasi", "2")
    dialog.handle(Choose("skip"))
    type_and_next(dialog, "Tambah guru di sekolah desa")
    type_and_next(dialog, "Sekolah dasar di desa kami kekurangan guru untuk kelas rendah.")
    assert dialog.handle(Choose("today")).screen == "identity"
    view = dialog.handle(Choose("anonymous"))
    assert view.screen == "privacy"
    dialog.handle(Choose("secret"))
    code = dialog.handle(Next()).code
    report = find_by_code(services.conn, normalize_code(code)).report
    assert report.is_anonymous and report.is_secret and report.reporter.is_empty()
    assert report.institution_id is None


@pytest.mark.parametrize(
    ("screen_values", "expected"),
    [
        (["abc"], "Judul terlalu pendek (3 huruf). Tulis paling sedikit 5 huruf."),
        ([""], "Tulis judul, paling sedikit 5 huruf."),
        (["J" * 151], "Judul terlalu panjang (151 huruf). Hapus sampai paling banyak 150 huruf."),
        (["Judul yang cukup", ""],
         "Tulis isi laporan, paling sedikit 20 huruf: apa yang terjadi, di mana, dan sejak kapan."),
        (["Judul yang cukup", "pendek"], "Isi laporan terlalu pendek (6 huruf). Tulis paling"
         " sedikit 20 huruf: apa yang terjadi, di mana, dan sejak kapan."),
    ],
)  # fmt: skip
def test_entry_errors_say_what_to_do_and_keep_what_was_typed(dialog, screen_values, expected):
    to_the_title(dialog)
    for value in screen_values:
        view = type_and_next(dialog, value)
    assert view.error == expected
    assert view.entry.value == screen_values[-1]
    assert view.prompt == text(f"screen.{view.screen}.prompt", "id")  # the prompt stays


def test_entry_errors_in_english(dialog):
    to_the_title(dialog)
    dialog.language = "en"
    assert type_and_next(dialog, "").error == "Write a title of at least 5 characters."
    assert type_and_next(dialog, "abc").error == (
        "The title is too short (3 characters). Write at least 5 characters."
    )


def test_an_error_the_screen_has_no_words_for_names_its_field(dialog):
    """A rule no kiosk keyboard can break (a control character) is told as `kiosk submit`
    tells it: the field, then what is wrong."""
    to_the_title(dialog)
    assert type_and_next(dialog, "Jalan\x07 rusak").error == (
        "Judul laporan: berisi karakter yang tidak diizinkan. Ketik ulang tanpa karakter khusus."
    )


def test_every_screen_s_error_is_in_both_languages_with_the_same_placeholders():
    keys = {key for key in catalog("id") if key.startswith("screen.") and ".error." in key}
    assert keys == {key for key in catalog("en") if ".error." in key and key.startswith("screen.")}
    for key in keys:
        braces = [set(re.findall(r"{(\w+)}", catalog(language)[key])) for language in LANGUAGES]
        assert braces[0] == braces[1], key


def test_typed_dates(dialog, services):
    to_the_title(dialog)
    type_and_next(dialog, "Antrean puskesmas terlalu lama")
    type_and_next(dialog, "Antrean di puskesmas lebih dari empat jam setiap pagi.")
    view = dialog.handle(Choose("other_date"))
    assert view.screen == "date_entry" and view.entry.numeric
    incomplete = (
        "Tanggal itu belum lengkap atau tidak ada. Ketik 8 angka: tanggal, bulan, tahun,"
        " misalnya 20 11 2026."
    )
    assert type_and_next(dialog, "3102202").error == incomplete
    assert type_and_next(dialog, "31022026").error == incomplete  # no 31 February
    tomorrow = services.today().replace(year=services.today().year + 1).strftime("%d%m%Y")
    assert type_and_next(dialog, tomorrow).error == (  # the prompt's order and example
        "Tanggal itu belum lewat. Ketik tanggal hari ini atau sebelumnya: tanggal, bulan, tahun,"
        " misalnya 20 11 2026."
    )
    assert view.prompt.endswith("misalnya 20 11 2026.")
    assert type_and_next(dialog, "31121999").error == (
        "Tanggal itu terlalu lama. Ketik tanggal 01-01-2000 atau sesudahnya: tanggal, bulan, tahun."
    )
    assert type_and_next(dialog, "20-11-2025").screen == "identity"  # dashes dropped


def test_phone_is_checked_and_optional(dialog):
    file_named_report(dialog)
    dialog.handle(Choose("identity"))
    dialog.handle(Choose("anonymous"))
    dialog.handle(Choose("identity"))
    dialog.handle(Choose("named"))
    type_and_next(dialog, "Siti Aminah")
    view = type_and_next(dialog, "0812-34")
    assert view.screen == "phone" and view.error == (
        "Nomor itu tidak dapat dipakai. Ketik 9 sampai 14 angka yang diawali 0, misalnya"
        " 0812 3456 7890, atau kosongkan."
    )
    assert type_and_next(dialog, "").screen == "review"  # a phone number is optional


def test_review_edit_skips_screens_already_answered(dialog):
    file_named_report(dialog)
    dialog.handle(Choose("identity"))
    dialog.handle(Choose("named"))
    assert dialog.view().screen == "review"  # name and phone already answered
    dialog.handle(Back())
    dialog.handle(Back())
    assert dialog.view().screen == "review"
    dialog.handle(Choose("identity"))
    dialog.handle(Choose("named"))
    dialog.handle(Back())
    view = dialog.view()
    assert view.screen == "identity"


def test_back_keeps_values_and_review_edits_return_to_review(dialog):
    review = file_named_report(dialog)
    assert review.screen == "review"
    view = dialog.handle(Choose("title"))
    assert view.screen == "title" and view.entry.value == "Jalan berlubang di depan pasar"
    view = type_and_next(dialog, "Jalan berlubang besar")
    assert view.screen == "review"
    assert {c.id: c.hint for c in view.choices}["title"] == "Jalan berlubang besar"
    # Turning an anonymous choice into a named one asks the identity screens again.
    dialog.handle(Choose("identity"))
    dialog.handle(Choose("anonymous"))
    assert dialog.draft.name == ""  # not collected when not needed
    view = dialog.handle(Choose("identity"))
    view = dialog.handle(Choose("named"))
    assert view.screen == "name" and view.entry.value == ""


def test_cancel_wipes_everything(dialog):
    file_named_report(dialog)
    view = dialog.handle(Cancel())
    assert view.screen == "welcome"
    assert dialog.draft.name == "" and dialog.draft.title == "" and dialog.history == []


def test_time_out_warns_then_wipes(dialog, clock):
    file_named_report(dialog)
    clock.now += 89
    assert dialog.handle(Tick()).timeout_warning == 0
    clock.now += 2
    assert dialog.handle(Tick()).timeout_warning == 29
    view = dialog.handle(MoreTime())
    assert view.timeout_warning == 0 and view.screen == "review"
    clock.now += 119
    assert dialog.handle(Tick()).screen == "review"
    clock.now += 1
    view = dialog.handle(Tick())
    assert view.screen == "welcome"
    assert view.notice == "Sesi telah berakhir. Semua data yang Anda isi sudah dihapus."
    assert dialog.draft.name == "" and dialog.draft.title == ""


def test_welcome_screen_never_times_out(dialog, clock):
    clock.now += 10_000
    assert dialog.handle(Tick()).screen == "welcome"


def test_receipt_returns_to_start_after_its_own_time_out(dialog, clock):
    file_named_report(dialog)
    dialog.handle(Next())
    clock.now += 59
    assert dialog.handle(Tick()).screen == "receipt"
    clock.now += 1
    assert dialog.handle(Tick()).screen == "welcome"


def test_follow_up_offline_and_invalid_codes(dialog, services):
    file_named_report(dialog)
    code = dialog.handle(Next()).code
    dialog.handle(Choose("finish"))
    dialog.handle(Choose("id"))
    view = dialog.handle(Choose("track"))
    assert view.screen == "track_code" and view.entry.kind == "code"
    digits = normalize_code(code)
    typo = digits[:3] + str((int(digits[3]) + 1) % 10) + digits[4:]
    view = type_and_next(dialog, typo)
    assert view.screen == "track_code"
    assert view.error.startswith("Kode laporan tidak valid")
    assert view.entry.value == typo  # kept for correcting
    view = type_and_next(dialog, code)
    assert view.screen == "track_result" and view.code == code
    assert view.lines[0].startswith("Laporan Anda tersimpan di terminal")


def test_english_session(dialog, services):
    start_filing(dialog, "en")
    view = dialog.view()
    assert view.title == "Kind of report" and view.progress == "Step 1 of 6"
    dialog.handle(Choose("pengaduan"))
    assert dialog.view().choices[0].label == "Health"
    dialog.handle(Cancel())
    assert dialog.view().language == "id"  # the next citizen starts in the default language


def test_unknown_choice_is_ignored(dialog):
    start_filing(dialog)
    view = dialog.handle(Choose("bukan-pilihan"))
    assert view.screen == "classification"


def test_store_failure_keeps_the_draft(dialog, services):
    file_named_report(dialog)
    services.conn.execute("PRAGMA query_only = ON")  # the store refuses writes
    view = dialog.handle(Next())
    assert view.screen == "review"
    assert "belum dapat disimpan" in view.error
    assert dialog.draft.name == "Siti Aminah"


def test_a_store_that_cannot_be_reached_keeps_the_citizen_on_the_review(dialog, services):
    """Through the real terminal services: the store's failure is the engine's SavingFailed."""
    before = file_named_report(dialog)
    services.conn.close()  # the store is gone (its connection closed under the dialog)
    view = dialog.handle(Next())
    assert view.screen == "review" and view.error == text("ui.saving_failed", "id")
    assert view.choices == before.choices  # every answer is still there, for another try
    assert (dialog.draft.name, dialog.draft.phone) == ("Siti Aminah", "+62 812 3456 7890")


def test_audio_session_records_instead_of_typing(dialog, services):
    from kiosk.engine.events import Recorded, UseAudio

    dialog.handle(UseAudio())
    start_filing(dialog)
    for choice in ("pengaduan", "1", COBLONG, DAGO):
        view = dialog.handle(Choose(choice))
    assert view.screen == "place_recording"  # the detail is said, not typed, and optional
    assert [choice.id for choice in view.choices] == ["record"]
    assert dialog.handle(Choose("record")).action == "record"
    place = b"fLaC" + bytes(1000)
    view = dialog.handle(Recorded(place, 3.0, "", transcript="depan masjid"))
    assert [choice.id for choice in view.choices] == ["listen", "record"]
    assert dialog.handle(Next()).screen == "agency"
    view = dialog.handle(Choose("skip"))
    assert view.screen == "recording" and view.audio
    assert [choice.id for choice in view.choices] == ["record"]
    assert dialog.handle(Next()).error == "Rekam laporan Anda dulu: pilih Rekam."
    assert dialog.handle(Choose("record")).action == "record"
    complaint = b"fLaC" + bytes(2000)
    view = dialog.handle(Recorded(complaint, 4.2, "recording.too_quiet"))
    assert view.error.startswith("Suara Anda terlalu pelan")
    assert [choice.id for choice in view.choices] == ["listen", "record", "send_anyway"]
    assert dialog.handle(Choose("listen")).action == "listen"
    view = dialog.handle(Next())  # a recording that failed its check does not go by itself
    assert view.screen == "recording"
    assert view.error == (
        "Rekaman ini belum dapat dikirim. Suara Anda terlalu pelan. Bicaralah lebih dekat ke"
        " mikrofon, lalu rekam ulang."
    )
    assert dialog.handle(Choose("send_anyway")).screen == "date"  # only when chosen
    dialog.handle(Choose("today"))
    assert dialog.view().screen == "identity"
    dialog.handle(Choose("named"))
    assert dialog.view().screen == "name"  # a named report never goes out without the name
    view = type_and_next(dialog, "")
    assert view.screen == "name" and view.error == "Tulis nama Anda, paling sedikit 2 huruf."
    assert type_and_next(dialog, "B").error == (
        "Nama terlalu pendek (1 huruf). Tulis paling sedikit 2 huruf."
    )
    type_and_next(dialog, "Budi")
    type_and_next(dialog, "081299998888")
    review = dialog.handle(Choose("secret"))
    lines = {c.id: c.hint for c in review.choices}
    assert lines["recording"] == "Rekaman suara, 4 detik, dikirim apa adanya"
    assert lines["place_recording"] == "Rekaman suara, 3 detik"
    assert "title" not in lines and "location" not in lines
    code = dialog.handle(Next()).code
    report = find_by_code(services.conn, normalize_code(code)).report
    assert report.title == "Laporan suara: Kesehatan"
    assert [(item.filename, item.mime, item.data) for item in report.attachments] == [
        ("keterangan-tempat.flac", "audio/flac", place),
        ("laporan-suara.flac", "audio/flac", complaint),
    ]
    assert report.location == "Disebutkan dalam rekaman suara keterangan tempat"
    assert report.content.split("\n\n")[1:] == [
        "Catatan kiosk: pemeriksaan suara menemukan masalah pada rekaman ini (terlalu pelan,"
        " terlalu keras, atau terlalu pendek); pelapor memilih mengirimnya apa adanya.",
        "Keterangan tempat menurut pengenalan suara: depan masjid",
    ]
    assert report.reporter.phone == "081299998888" and report.reporter.name == "Budi"
    assert report.place.names() == "Dago, Coblong, Kota Bandung"
    dialog.handle(Choose("finish"))
    assert not dialog.view().audio  # the next citizen starts on the touch screen


def audio_report_at_the_review(dialog):
    """An audio session's report, with a good recording, at the review."""
    from kiosk.engine.events import Recorded, UseAudio

    dialog.handle(UseAudio())
    start_filing(dialog)
    to_the_agency(dialog, "pengaduan", "1")
    dialog.handle(Choose("skip"))
    dialog.handle(Recorded(b"fLaC" + bytes(3000), 6.0))
    dialog.handle(Next())
    dialog.handle(Choose("today"))
    dialog.handle(Choose("anonymous"))
    return dialog.handle(Choose("public"))


def test_a_failed_recording_made_from_the_review_is_never_sent_unasked(dialog, services):
    from kiosk.engine.events import Recorded

    assert audio_report_at_the_review(dialog).screen == "review"
    dialog.handle(Choose("recording"))  # to record it again ...
    dialog.handle(Recorded(b"fLaC" + bytes(100), 0.2, "recording.too_short"))
    assert dialog.handle(Back()).screen == "review"  # ... then left as it is
    view = dialog.handle(Next())  # "Kirim laporan": not with that recording
    assert view.screen == "recording" and view.error.startswith("Rekaman ini belum dapat")
    assert outbox.counts(services.conn)["queued"] == 0
    review = dialog.handle(Choose("send_anyway"))  # the explicit choice: back to the review
    assert review.screen == "review"
    lines = {choice.id: choice.hint for choice in review.choices}
    assert lines["recording"] == "Rekaman suara, 0 detik, dikirim apa adanya"


def test_a_failed_place_detail_may_be_dropped(dialog):
    from kiosk.engine.events import Recorded, UseAudio

    dialog.handle(UseAudio())
    start_filing(dialog)
    for choice in ("pengaduan", "1", COBLONG, DAGO, "record"):
        dialog.handle(Choose(choice))
    view = dialog.handle(Recorded(b"fLaC" + bytes(100), 0.3, "recording.too_quiet"))
    assert [choice.id for choice in view.choices] == [
        "listen", "record", "send_anyway", "no_recording"
    ]  # fmt: skip
    assert dialog.handle(Choose("no_recording")).screen == "agency"
    assert dialog.draft.recordings == {}


def test_back_skips_screens_an_answer_ruled_out(dialog):
    file_named_report(dialog)
    dialog.handle(Choose("identity"))
    dialog.handle(Choose("anonymous"))  # name and phone no longer apply
    screens = []
    for _ in range(4):
        screens.append(dialog.handle(Back()).screen)
    assert "name" not in screens and "phone" not in screens


def test_a_key_pressed_mid_filing_does_not_change_the_typed_report(dialog):
    from kiosk.engine.events import UseAudio

    to_the_title(dialog)
    dialog.handle(UseAudio())
    assert dialog.view().screen == "title"  # still typed; the next report may be recorded


def test_a_receipt_time_out_does_not_claim_data_was_lost(dialog, clock):
    file_named_report(dialog)
    dialog.handle(Next())
    clock.now += 61
    view = dialog.handle(Tick())
    assert view.screen == "welcome" and view.notice == ""


def test_the_time_out_notice_is_gone_before_the_next_citizen_comes(dialog, clock):
    start_filing(dialog)
    clock.now += 121
    ended = text("ui.timeout_ended", "id")
    assert dialog.handle(Tick()).notice == ended
    clock.now += dialog.timer.settings.notice_s - 1
    assert dialog.handle(Tick()).notice == ended
    clock.now += 1
    view = dialog.handle(Tick())
    assert (view.screen, view.notice, view.prompt) == (
        "welcome",
        "",
        text("screen.welcome.prompt", "id"),
    )


def test_a_touch_ends_the_time_out_notice_at_once(dialog, clock):
    start_filing(dialog)
    clock.now += 121
    dialog.handle(Tick())
    view = dialog.handle(Choose("en"))  # the next citizen
    assert view.screen == "menu" and view.notice == ""
    dialog.handle(Cancel())
    clock.now += dialog.timer.settings.notice_s
    assert dialog.handle(Tick()).notice == ""


def test_the_time_out_notice_is_in_the_language_of_the_screen(dialog, clock):
    start_filing(dialog, "en")
    clock.now += 121
    view = dialog.handle(Tick())
    assert view.language == "id"
    assert view.notice == "Sesi telah berakhir. Semua data yang Anda isi sudah dihapus."


def test_every_screen_is_declared_once_with_its_texts():
    draft_fields = {field.name for field in fields(Draft)}
    for screen in Screen:
        spec = SCREENS[screen]
        for language in LANGUAGES:
            texts = catalog(language)
            assert {f"screen.{screen}.{part}" for part in ("title", "prompt", "help")} <= set(texts)
            assert not spec.review or f"review.{screen}" in texts
        if spec.kind in (ScreenKind.ENTRY, ScreenKind.LOOKUP):
            assert spec.entry is not None and spec.fills in draft_fields, screen
        if spec.kind is ScreenKind.CHOICE and spec.choose is store_choice:
            assert spec.fills in draft_fields, screen  # where the chosen id is kept


def test_a_recording_screen_must_say_what_it_records():
    with pytest.raises(ValueError, match="recording"):
        ScreenSpec(ScreenKind.RECORDING)
    with pytest.raises(ValueError, match="choice"):
        ScreenSpec(ScreenKind.CHOICE, records=RecordingSpec("x.flac"))


def test_the_dialog_checks_an_entry_by_the_rule_the_report_is_validated_by(dialog, services):
    to_the_title(dialog)
    too_long = "J" * (rules.TITLE.maximum + 1)
    view = type_and_next(dialog, too_long)
    assert view.entry.max_length == rules.TITLE.maximum
    today = services.today()
    report = Report(Classification.PENGADUAN, too_long, "x" * 20, today, "Pasar", category_id=1)
    (problem,) = rules.validate(report, today)
    assert problem.key == "too_long" and problem.params["maximum"] == rules.TITLE.maximum
    assert view.error == text("screen.title.error.too_long", "id", **problem.params)


def test_a_follow_up_shows_the_agencies_answers(dialog, services, monkeypatch):
    file_named_report(dialog)
    code = dialog.handle(Next()).code
    item = outbox.by_code(services.conn, normalize_code(code))
    answers = [
        FollowUp("01-12-2026", "Dinas PU", "Sedang ditangani"),  # a day without its time
        FollowUp("02-12-2026 09:05:00", "Dinas PU", "Sudah diperbaiki"),
    ]
    status = ComplaintStatus("42", None, "Proses", "Dinas PU", followups=answers)
    result = follow_up_result(TrackResult(None, "Laporan Anda diproses.", item, status), "id")
    monkeypatch.setattr(services, "track", lambda code, language: result)
    for choice in ("finish", "id", "track"):
        dialog.handle(Choose(choice))
    view = type_and_next(dialog, code)
    assert view.screen == "track_result" and view.code == code
    assert view.lines == (
        "Laporan Anda diproses.",
        "Rabu, 2 Desember 2026, pukul 09.05 - Dinas PU: Sudah diperbaiki",  # the newest first
        "Selasa, 1 Desember 2026 - Dinas PU: Sedang ditangani",
    )


def test_a_code_of_no_report_here_is_said_so(dialog):
    for choice in ("id", "track"):
        dialog.handle(Choose(choice))
    view = type_and_next(dialog, new_code(9))
    assert view.screen == "track_code" and view.error.startswith("Kode laporan tidak ditemukan")


def test_the_engine_imports_no_outer_layer():
    listing = (
        "import kiosk.engine.dialog, sys;"
        " print(' '.join(m for m in sys.modules if m.startswith(('kiosk', 'voice', 'hardware'))"
        " or m == 'sqlite3'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", listing], capture_output=True, text=True, check=True
    ).stdout.split()
    outer = ("kiosk.db", "kiosk.store", "kiosk.tracking", "kiosk.adapters", "kiosk.outbox")
    assert "kiosk.engine.dialog" in loaded
    assert [name for name in loaded if name.startswith(outer) or name == "sqlite3"] == []


def test_the_place_is_chosen_down_to_the_kelurahan_and_suggests_its_office(dialog, services):
    start_filing(dialog)
    dialog.handle(Choose("pengaduan"))
    view = dialog.handle(Choose("10"))  # the city file routes category 10 to the kelurahan
    assert view.screen == "kecamatan" and view.progress == "Langkah 3 dari 6"
    # By name, the way a citizen looks for one; "outside" last.
    assert len(view.choices) == 31 and view.choices[18] == Choice(COBLONG, "Coblong")
    assert [choice.label for choice in view.choices[:3]] == ["Andir", "Antapani", "Arcamanik"]
    assert view.choices[-1] == Choice("outside", "Di luar Kota Bandung")
    view = dialog.handle(Choose(COBLONG))
    assert view.screen == "kelurahan"
    assert [choice.label for choice in view.choices] == [
        "Cipaganti", "Dago", "Lebak Gede", "Lebak Siliwangi", "Sadang Serang", "Sekeloa",
        "Tidak tahu kelurahannya",
    ]  # fmt: skip
    view = dialog.handle(Choose(DAGO))
    assert view.screen == "location" and view.entry.kind == "text"
    assert type_and_next(dialog, "RT").error == (
        "Keterangan tempat terlalu pendek (2 huruf). Tulis paling sedikit 3 huruf."
    )
    view = type_and_next(dialog, "")  # the detail is optional once the place is chosen
    assert view.screen == "agency"
    assert [(choice.label, choice.hint) for choice in view.choices[:4]] == [
        ("Kelurahan Dago", "Disarankan untuk laporan ini"),
        ("Biarkan petugas LAPOR! memilih", ""),
        ("Kecamatan Coblong", ""),
        ("Dinas Pendidikan", ""),
    ]
    assert view.choices[0].id == "3273021004"
    dialog.handle(Choose("3273021004"))
    type_and_next(dialog, "Surat pengantar belum selesai")
    type_and_next(dialog, "Surat pengantar dari kelurahan belum selesai setelah dua minggu.")
    dialog.handle(Choose("today"))
    dialog.handle(Choose("anonymous"))
    review = dialog.handle(Choose("public"))
    values = {choice.id: choice.hint for choice in review.choices}
    assert values["kecamatan"] == "Dago, Coblong, Kota Bandung"
    assert values["location"] == "(kosong)" and values["agency"] == "Kelurahan Dago"
    report = find_by_code(services.conn, normalize_code(dialog.handle(Next()).code)).report
    assert report.place == Place(DAGO, "Kota Bandung", "Coblong", "Dago")
    assert report.location == "" and report.institution_id == 3273021004


def test_a_citizen_who_does_not_know_the_kelurahan_reports_to_the_kecamatan(dialog, services):
    start_filing(dialog)
    dialog.handle(Choose("pengaduan"))
    dialog.handle(Choose("4"))
    dialog.handle(Choose(COBLONG))
    view = dialog.handle(Choose("unknown"))
    assert view.screen == "location"
    view = type_and_next(dialog, "Jl. Ir. H. Juanda dekat taman")
    assert view.screen == "agency"
    offices = [choice.label for choice in view.choices]
    assert "Kecamatan Coblong" in offices and not any("Kelurahan" in name for name in offices)
    assert dialog.handle(Back()).screen == "location"
    assert dialog.handle(Back()).screen == "kelurahan"
    assert dialog.draft.kelurahan == "unknown"  # the answer given is kept
    dialog.handle(Choose("unknown"))
    dialog.handle(Next())
    review = to_an_anonymous_review(
        dialog, "Trotoar rusak", "Trotoar di Jl. Ir. H. Juanda rusak dan berlubang besar."
    )
    assert {choice.id: choice.hint for choice in review.choices}["kecamatan"] == (
        "Coblong, Kota Bandung"
    )
    report = find_by_code(services.conn, normalize_code(dialog.handle(Next()).code)).report
    assert report.place == Place(COBLONG, "Kota Bandung", "Coblong", "")


def test_a_place_outside_the_city_is_found_by_name(dialog, services):
    start_filing(dialog)
    dialog.handle(Choose("pengaduan"))
    dialog.handle(Choose("4"))
    view = dialog.handle(Choose("outside"))
    assert view.screen == "other_city" and view.entry.kind == "text"
    assert type_and_next(dialog, "Atlantis").error.startswith("Tidak ada kota atau kabupaten")
    view = type_and_next(dialog, "bandung")
    assert view.screen == "other_city_pick"
    assert [choice.label for choice in view.choices] == [
        "Kabupaten Bandung",
        "Kabupaten Bandung Barat",
    ]  # fmt: skip  (Kota Bandung itself is chosen by its kecamatan)
    assert dialog.handle(Choose("32.17")).screen == "location"
    assert dialog.handle(Back()).screen == "other_city_pick"
    dialog.handle(Back())
    view = type_and_next(dialog, "garut")  # one kabupaten has the name: taken at once
    assert view.screen == "location"
    view = type_and_next(dialog, "Jl. Cimanuk")
    # The city's offices are not those of another city: LAPOR!'s list, skip first.
    assert view.screen == "agency" and view.choices[0].id == "skip"
    assert view.choices[1].label == "Dinas Kesehatan"
    dialog.handle(Choose("skip"))
    assert dialog.handle(Back()).screen == "agency"
    assert dialog.handle(Back()).screen == "location"
    assert dialog.handle(Back()).screen == "other_city"  # no pick: one was found
    assert dialog.view().entry.value == "garut"
    assert dialog.handle(Back()).screen == "kecamatan"
    dialog.handle(Next())
    dialog.handle(Next())
    dialog.handle(Next())
    review = to_an_anonymous_review(
        dialog,
        "Jalan rusak di Garut kota",
        "Jalan Cimanuk rusak parah dan berlubang sejak bulan lalu.",
    )
    assert {choice.id: choice.hint for choice in review.choices}["kecamatan"] == "Kabupaten Garut"
    report = find_by_code(services.conn, normalize_code(dialog.handle(Next()).code)).report
    assert report.place == Place("32.05", "Kabupaten Garut")
    assert report.location == "Jl. Cimanuk" and report.institution_id is None


def test_back_through_the_place_keeps_each_answer(dialog):
    start_filing(dialog)
    to_the_agency(dialog, "pengaduan", "4", "Depan masjid")
    assert dialog.handle(Back()).screen == "location"
    assert dialog.view().entry.value == "Depan masjid"
    view = dialog.handle(Back())
    assert view.screen == "kelurahan" and view.can_go_next  # Dago still chosen
    assert dialog.handle(Back()).screen == "kecamatan"
    assert dialog.handle(Next()).screen == "kelurahan"
    assert dialog.handle(Next()).screen == "location"
    assert dialog.handle(Next()).screen == "agency"


def test_another_place_on_the_review_asks_the_kelurahan_and_the_office_again(dialog):
    file_named_report(dialog)
    dialog.handle(Choose("kecamatan"))
    view = dialog.handle(Choose("32.73.01"))  # Sukasari
    assert view.screen == "kelurahan" and not view.can_go_next
    view = dialog.handle(Choose(view.choices[0].id))
    assert view.screen == "agency"  # the detail was kept; the office asked again
    assert dialog.draft.institution_id is None
    view = dialog.handle(Choose("skip"))
    assert view.screen == "review"
    assert {c.id: c.hint for c in view.choices}["kecamatan"].endswith("Sukasari, Kota Bandung")


def test_without_the_city_s_region_data_the_place_is_typed(tmp_path):
    config = KioskConfig(terminal=TerminalConfig(region="32.99"), data=DataConfig(dir=tmp_path))
    services = TerminalServices(config)
    dialog = Dialog(services)
    start_filing(dialog)
    dialog.handle(Choose("pengaduan"))
    view = dialog.handle(Choose("4"))
    assert view.screen == "location"
    assert type_and_next(dialog, "").error == (
        "Tulis tempat kejadiannya, paling sedikit 3 huruf: kota, nama jalan, atau patokan di"
        " dekatnya."
    )
    view = type_and_next(dialog, "Desa Sukamaju")
    assert view.screen == "agency" and view.choices[0].id == "skip"
    services.close()


SEEN_FIRST = 2
"""Choices of a long list every panel shows before any scrolling (800x480: two rows)."""
WHOLE_LIST = 3
"""A list this short is seen whole on every panel (the classification, the date)."""
SAYS_WHERE = {"id": "terakhir di daftar", "en": "last one in the list"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_that_points_at_a_choice_further_down_says_where_it_is(dialog, language):
    """Help naming a choice that a short panel shows only after scrolling ("Lainnya", the
    last category) or pointing at "the last one" says it is at the end of the list."""
    start_filing(dialog, language)
    views = [dialog.view(), dialog.handle(Choose("pengaduan")), dialog.handle(Choose("4"))]
    assert [view.screen for view in views] == ["classification", "category", "kecamatan"]
    for view in views:
        further = view.choices[SEEN_FIRST:] if len(view.choices) > WHOLE_LIST else ()
        named = [choice.label for choice in further if choice.label in view.help]
        last = ("terakhir" if language == "id" else "last") in view.help
        assert not (named or last) or SAYS_WHERE[language] in view.help, view.help
    assert "Lainnya" in views[1].help or "Other" in views[1].help  # the test sees a name
