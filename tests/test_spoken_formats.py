"""Numbers and formats as they are heard, in both languages: codes, phone numbers and examples
digit by digit in groups; dates in words, day month year; times "pukul 13.24"; one date order
(prompt, error, example); rate and volume in words.

What the audio face says is its transcript (written form); what the voice reads is that text
after `voice.pronounce.speakable`, tested directly. The speaker renders nothing here (a silent
renderer stands in for espeak-ng), so these tests need no sound or speech engine.
"""

import io
import re
from datetime import date, datetime

import numpy as np
import pytest
from conftest import make_report

from kiosk.adapters.base import ComplaintStatus, FollowUp
from kiosk.config import DataConfig, KioskConfig
from kiosk.engine.events import Choose, Next, Type
from kiosk.engine.session_settings import SessionSettings
from kiosk.i18n import LANGUAGES, catalog, text
from kiosk.session import KioskSession
from kiosk.store import save_report
from kiosk.terminal import TerminalServices
from kiosk.tracking import _cache, answer_time, track
from voice.pronounce import speakable
from voice.speaker import Speaker
from voice.tts import Audio

pytestmark = pytest.mark.unit  # no sound, speech engine, display or model

PHONE_SAID = {
    "id": "nol delapan satu dua, tiga empat lima enam, tujuh delapan sembilan nol",
    "en": "zero eight one two, three four five six, seven eight nine zero",
}
DATE_EXAMPLE_SAID = {
    "id": "dua nol, satu satu, dua nol dua enam",
    "en": "two zero, one one, two zero two six",
}
AMOUNTS = re.compile(r"\b(ratus|ribu|puluh|belas|hundred|thousand)\b")
"""Words a digit-by-digit reading never has."""


def digits_of(words: str, language: str) -> str:
    """The digits a digit-by-digit reading stands for."""
    names = (
        ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
        if language == "id"
        else ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    )
    return "".join(str(names.index(word)) for word in re.findall(r"[a-z]+", words))


# -- the voice's side: pronounce, both languages ---------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_example_is_said_digit_by_digit_in_groups(language):
    said = speakable(text("screen.phone.prompt", language), language)
    assert PHONE_SAID[language] in said
    assert not AMOUNTS.search(said)
    assert speakable("0812-3456-7890", language) == PHONE_SAID[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_typed_phone_number_is_said_in_groups(language):
    typed = speakable("Siti Aminah, 081234567890", language)
    assert typed == f"Siti Aminah, {PHONE_SAID[language]}"
    # never a single digit left alone at the end of a group
    assert speakable("0221234567", language).count(",") == 2


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", "nol nol nol satu, delapan lima enam, delapan satu enam, tiga"),
        ("en", "zero zero zero one, eight five six, eight one six, three"),
    ],
)
def test_a_receipt_code_is_said_digit_by_digit_in_groups(language, said):
    receipt = speakable(text("audio.receipt", language, code="0001-856-816-3"), language)
    assert said in receipt and "dash" not in receipt
    example = speakable(text("screen.track_code.help", language), language)  # 0001-234-567-8
    assert speakable("0001-234-567-8", language) in example


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_are_said_day_month_year_in_words(language):
    said = {"id": "dua puluh November dua ribu dua puluh enam", "en": "20 November 2026"}
    assert speakable("20-11-2026", language) == said[language]
    assert speakable("2026-11-20", language) == said[language]


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("id", "Jumat, 27 Maret 2026, pukul 13.24",
         "Jumat, dua puluh tujuh Maret dua ribu dua puluh enam, pukul tiga belas lewat dua puluh"
         " empat menit"),
        ("id", "27-03-2026 01:24:25",
         "dua puluh tujuh Maret dua ribu dua puluh enam, pukul satu lewat dua puluh empat menit"),
        ("id", "pukul 09.00", "pukul sembilan tepat"),
        ("en", "Friday, 27 March 2026, at 13:24", "Friday, 27 March 2026, at 13 24"),
        ("en", "27-03-2026 01:24:25", "27 March 2026, at 1 24"),
        ("en", "at 09:05", "at 9 oh 5"),
    ],
)  # fmt: skip
def test_times_are_said_the_way_each_language_says_them(language, written, said):
    assert speakable(written, language) == said


def test_other_numbers_stay_numbers():
    assert speakable("Langkah 2 dari 6. Tekan 1: Pengaduan.") == (
        "Langkah dua dari enam. Tekan satu: Pengaduan."
    )
    assert speakable("Rp 2.500.000") == "Rp dua juta lima ratus ribu"
    assert speakable("RT 02") == "er te nol dua"  # a leading zero: a code, said as digits


def test_no_catalog_text_shows_a_sign_the_keypad_cannot_type_or_letters_for_digits():
    """What a citizen types at the kiosk is digits: no `+62`, no `HH BB TTTT` or `DD MM YYYY`
    (spoken "ha-ha be-be"), no `YYYY-MM-DD` outside `kiosk submit`'s own messages."""
    kiosk_texts = {
        key: value
        for language in LANGUAGES
        for key, value in catalog(language).items()
        if key not in ("error.date_format", "error.phone_invalid")  # kiosk submit's files
    }
    for key, value in kiosk_texts.items():
        assert "+62" not in value, key
        assert not re.search(r"\b(HH|BB|TTTT|DD|MM|YYYY)\b", value), key
        assert not re.search(r"\d{4}-\d{2}-\d{2}", value), key


# -- the audio face: what it says ------------------------------------------------------------


class SilentRenderer:
    """Renders every sentence as a little silence: the transcript is what is tested."""

    def render(self, sentence: str, voice: str, rate_wpm: int) -> Audio:
        return Audio(np.zeros(220, dtype=np.int16), 22050)

    def forget(self) -> None: ...


TODAY = date(2026, 12, 3)
CHOSEN = {"menu": "file", "date": "other_date", "identity": "named", "agency": "skip"}
TYPED = {
    "title": "Jalan berlubang di depan pasar",
    "content": "Lubang besar di Jalan Dago membahayakan pengendara motor.",
    "date_entry": "20112026",
    "name": "Siti Aminah",
}


@pytest.fixture
def services(tmp_path):
    settings = SessionSettings(idle_timeout_s=600, warning_s=20)
    terminal = TerminalServices(KioskConfig(data=DataConfig(dir=tmp_path), session=settings))
    terminal.today = lambda: TODAY
    yield terminal
    terminal.close()


@pytest.fixture
def face(services):
    transcript = io.StringIO()
    speaker = Speaker(SilentRenderer(), transcript=transcript, play_audio=False)
    audio = KioskSession(services.config, services, speaker=speaker).face
    audio.transcript = transcript
    audio.start()
    return audio


def said(face) -> list[str]:
    """Each utterance's text (a transcript line is `elapsed length  text`)."""
    face.speaker.wait()
    return [line.split(maxsplit=2)[2] for line in face.transcript.getvalue().splitlines()]


def reach(face, screen: str, language: str = "id"):
    """The dialog moved on to `screen` as the touch screen would move it (the first choice,
    or a valid value); then headphones go in (an audio session: every key acts) and the rest
    is the keys'."""
    dialog = face.dialog
    view = dialog.handle(Choose(language))
    for _ in range(40):
        if view.screen == screen:
            face.begin()
            return view
        if view.entry is not None:
            dialog.handle(Type(TYPED.get(view.screen, "")))
            view = dialog.handle(Next())
        elif view.choices:
            view = dialog.handle(Choose(CHOSEN.get(view.screen, view.choices[0].id)))
        else:
            view = dialog.handle(Next())
    raise AssertionError(f"{screen} not reached; at {view.screen}")


def press(face, keys: str) -> None:
    for key in keys:
        face.press(key)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_date_prompt_its_error_and_its_example_share_one_order(face, language):
    reach(face, "date_entry", language)
    prompt = said(face)[-1]
    assert text("screen.date_entry.prompt", language) in prompt
    heard = speakable(prompt, language)
    order = {
        "id": "dua angka tanggal, dua angka bulan, empat angka tahun",
        "en": "two for the day, two for the month, four for the year",
    }
    assert f"{order[language]}, " in heard and DATE_EXAMPLE_SAID[language] in heard
    with pytest.raises(ValueError):
        face.press("-")  # "2026-11-20" cannot be typed: the keypad has no dash
    press(face, "20261120")  # the year first, as an ISO date would have it
    face.press("ENTER")
    error = said(face)[-1]
    assert face.view.screen == "date_entry"
    assert text("screen.date_entry.error.date_typed", language) in error
    assert re.search(r"(tanggal, bulan, tahun, misalnya|day, month, year, for example)", error)
    assert DATE_EXAMPLE_SAID[language] in speakable(error, language)  # the prompt's example
    assert not re.search(r"\b(HH|BB|TTTT|DD|MM|YYYY)\b|\d{4}-\d{2}-\d{2}", error)
    for _ in range(8):
        face.press("CLEAR")
    press(face, "20112026")  # day, month, year: as said
    face.press("ENTER")
    assert face.view.screen == "identity"
    assert face.dialog.draft.incident_date(TODAY) == date(2026, 11, 20)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_prompt_and_error_say_what_to_type(face, language):
    reach(face, "phone", language)
    assert PHONE_SAID[language] in speakable(said(face)[-1], language)
    press(face, "081234")
    face.press("ENTER")
    error = said(face)[-1]
    assert text("screen.phone.error.phone_typed", language) in error and "+62" not in error
    assert PHONE_SAID[language] in speakable(error, language)  # the prompt's example
    assert {"id": "sembilan sampai empat belas angka", "en": "9 to 14 digits"}[language] in (
        speakable(error, language)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_typed_phone_number_and_the_receipt_code_are_said_in_groups(face, language):
    reach(face, "phone", language)
    press(face, "081234567890")
    face.press("ENTER")
    assert face.view.screen == "privacy"
    face.press("1")  # public
    assert face.view.screen == "review"
    review = said(face)[-1]
    assert "081234567890" in review
    assert PHONE_SAID[language] in speakable(review, language)
    face.press("ENTER")
    assert face.view.screen == "receipt"
    code = face.view.code
    receipt = speakable(next(line for line in said(face) if code in line), language)
    words = speakable(code, language)
    assert [digits_of(group, language) for group in words.split(", ")] == code.split("-")
    assert words in receipt


@pytest.mark.parametrize(
    ("language", "faster", "normal", "slower", "fastest", "slowest"),
    [
        ("id", "Kecepatan: lebih cepat.", "Kecepatan: normal.", "Kecepatan: lebih lambat.",
         "Kecepatan: paling cepat.", "Kecepatan: paling lambat."),
        ("en", "Speed: faster.", "Speed: normal.", "Speed: slower.", "Speed: fastest.",
         "Speed: slowest."),
    ],
)  # fmt: skip
def test_rate_is_said_in_words(face, language, faster, normal, slower, fastest, slowest):
    reach(face, "menu", language)
    face.press("RATE_UP")
    assert said(face)[-1] == faster
    face.press("RATE_DOWN")
    assert said(face)[-1] == normal
    face.press("RATE_DOWN")
    assert said(face)[-1] == slower
    for _ in range(12):
        face.press("RATE_UP")
    assert said(face)[-1] == fastest
    face.press("RATE")  # one key for the rate: from the fastest back to the slowest
    assert said(face)[-1] == slowest
    assert not any(char.isdigit() for char in said(face)[-1])


@pytest.mark.parametrize(
    ("language", "louder", "loudest", "quieter", "quietest"),
    [
        ("id", "Volume: lebih keras.", "Volume: paling keras.", "Volume: lebih pelan.",
         "Volume: paling pelan."),
        ("en", "Volume: louder.", "Volume: loudest.", "Volume: quieter.", "Volume: quietest."),
    ],
)  # fmt: skip
def test_volume_is_said_in_words(face, language, louder, loudest, quieter, quietest):
    reach(face, "menu", language)
    face.press("VOL_UP")
    assert said(face)[-1] == louder
    face.press("VOL_UP")
    assert said(face)[-1] == loudest
    for _ in range(3):
        face.press("VOL_DOWN")
    assert said(face)[-1] == quieter
    for _ in range(10):
        face.press("VOL_DOWN")
    assert said(face)[-1] == quietest


# -- the follow-up's times -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "written", "heard"),
    [
        ("id", "Jumat, 27 Maret 2026, pukul 13.24",
         "Jumat, dua puluh tujuh Maret dua ribu dua puluh enam, pukul tiga belas lewat dua puluh"
         " empat menit"),
        ("en", "Friday, 27 March 2026, at 13:24", "Friday, 27 March 2026, at 13 24"),
    ],
)  # fmt: skip
def test_a_follow_up_says_its_times_in_words(conn, language, written, heard):
    stored = save_report(conn, make_report(), terminal_number=1)
    conn.execute("UPDATE outbox SET state = 'delivered', complaint_id = '9'")
    answer = FollowUp("27-03-2026 13:24:25", "Dinas PU", "Sedang ditangani")
    status = ComplaintStatus("9", None, "Dalam Proses", "Dinas PU", followups=[answer])
    _cache(conn, status, datetime(2026, 3, 27, 13, 24, 25).timestamp())
    result = track(conn, None, stored.code, language, today=date(2026, 3, 30))  # offline
    assert result.offline and written in result.sentence
    assert heard in speakable(result.sentence, language)
    assert answer_time(answer.date, language) == written  # an agency's answer, LAPOR!'s time
