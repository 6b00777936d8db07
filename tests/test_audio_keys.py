"""The audio face's keys, without a sound device: what is said (the transcript) for each key."""

import io

import pytest
from conftest import voice_attachment

from kiosk.audio.face import AudioFace
from kiosk.config import DataConfig, KioskConfig
from kiosk.engine.events import Choose, Next, Recorded, Type
from kiosk.engine.session_settings import SessionSettings
from kiosk.session import KioskSession
from kiosk.terminal import TerminalServices
from voice.speaker import Speaker
from voice.tts import Renderer


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


@pytest.fixture
def unstarted(tmp_path, renderer):
    """The audio face of a windowless session (which tells it when a citizen has gone),
    before any key."""
    settings = SessionSettings(idle_timeout_s=60, warning_s=20)
    services = TerminalServices(KioskConfig(data=DataConfig(dir=tmp_path), session=settings))
    clock = Clock()
    transcript = io.StringIO()
    speaker = Speaker(renderer, transcript=transcript, play_audio=False)
    audio = KioskSession(services.config, services, speaker=speaker, clock=clock).face
    audio.clock, audio.transcript = clock, transcript
    audio.start()
    yield audio
    services.close()


@pytest.fixture
def face(unstarted):
    """The audio face once a first key has started its session (tested on its own)."""
    unstarted.press("5")
    return unstarted


@pytest.mark.parametrize("first_key", ["5", "2", "CLEAR", "HELP", "ENTER"])
def test_whatever_the_first_key_the_welcome_and_the_key_guide_are_said(unstarted, first_key):
    unstarted.press(first_key)
    assert unstarted.view.screen == "welcome" and unstarted.view.language == "id"
    assert said(unstarted)[-1] == (
        "Panduan tombol. Angka memilih jawaban; tombol 5 yang bertitik ada di tengah. Enter"
        " meneruskan. Bantuan menjelaskan. Ulangi membacakan lagi. Selamat datang di LAPOR!"
        " Tekan 1: Bahasa Indonesia. 2: English."
    )  # nothing about speech recognition: there is no model, and the keys are enough
    unstarted.press("2")  # the next key acts
    assert unstarted.view.language == "en"


def said(face: AudioFace) -> list[str]:
    """Each utterance's text (a transcript line is `elapsed length  text`)."""
    face.speaker.wait()
    return [line.split(maxsplit=2)[2] for line in face.transcript.getvalue().splitlines()]


def test_digits_choose_and_up_down_read_each_choice(face):
    face.press("1")
    assert face.view.screen == "menu" and face.view.audio
    face.press("DOWN")
    assert said(face)[-1] == "Tekan 1: Buat laporan. 1 dari 2."
    face.press("DOWN")
    assert said(face)[-1] == "Tekan 2: Cek status laporan. 2 dari 2, akhir daftar."
    face.press("ENTER")
    assert face.view.screen == "track_code"


def test_help_twice_gives_more_detail(face):
    face.press("1")
    face.press("1")  # Buat laporan: the kinds of report
    face.press("HELP")
    assert said(face)[-1].startswith("Pengaduan: layanan publik yang bermasalah.")
    face.press("HELP")
    assert "Tekan 1: Pengaduan: Ada layanan publik yang bermasalah." in said(face)[-1]
    assert "Tombol panah atas dan bawah" in said(face)[-1]


def test_typed_digits_are_echoed_and_cleared(face):
    face.press("1")
    face.press("2")  # Cek status laporan
    for digit in "12":
        face.press(digit)
    assert said(face)[-1] == "2" and face.view.entry.value == "12"
    face.press("CLEAR")
    assert said(face)[-1] == "Dihapus: 2." and face.view.entry.value == "1"
    face.press("ENTER")
    assert face.view.error.startswith("Kode laporan tidak valid")
    assert said(face)[-1].count("Kode laporan tidak valid") == 1


def test_volume_and_rate_keys_then_reset_for_the_next_citizen(face):
    face.press("1")
    face.press("VOL_DOWN")
    assert said(face)[-1] == "Volume: lebih pelan."
    face.press("RATE_UP")
    assert said(face)[-1] == "Kecepatan: lebih cepat."
    face.press("HOME")
    assert face.view.screen == "welcome"
    assert face.speaker.volume == pytest.approx(0.8) and face.speaker.rate_wpm == 180


def test_time_out_is_spoken_and_any_key_gives_more_time(face):
    face.press("1")
    face.clock.now += 45
    face.tick()
    assert said(face)[-1].startswith("Sesi akan berakhir dalam 15 detik.")
    face.press("REPEAT")  # any key is activity
    face.clock.now += 45
    face.tick()
    assert face.view.screen == "menu"
    face.clock.now += 60
    face.tick()
    assert face.view.screen == "welcome"
    assert said(face)[-1].startswith("Sesi telah berakhir.")


def test_nothing_said_for_one_citizen_stays_cached_for_the_next(face):
    face.press("1")
    face.press("2")
    for digit in "0812":
        face.press(digit)
    face.press("REPEAT")  # "Sudah diketik: 0 8 1 2."
    face.speaker.wait()

    def remembered() -> bool:
        return any("0 8 1 2" in key[0] for key in face.speaker.renderer._cache)

    assert remembered()
    face.press("HOME")
    face.speaker.wait()
    assert not remembered()


def test_after_a_warning_a_key_only_gives_more_time(face):
    face.press("1")
    face.press("1")  # the kinds of report
    face.clock.now += 45
    face.tick()
    face.press("1")  # would choose Pengaduan, but the citizen wants time first
    assert face.view.screen == "classification"
    assert said(face)[-1].startswith("Waktu ditambah. Langkah 1 dari 6. Laporan Anda termasuk")
    assert face.view.timeout_warning == 0


# Spoken answers. No Indonesian Vosk model is public, so these feed the face what the
# recogniser returns (its `Heard` results, recorded as data); the decoding itself is
# tested with the real Korean model in test_asr.py.
def heard(text: str, phrase: str | None, sure: bool = True):
    from voice.recognizer import Heard

    return Heard(text, phrase, 0.9 if sure else 0.4, sure)


def to_categories(face) -> None:
    for key in ("1", "1", "1"):  # Indonesian, file a report, pengaduan
        face.press(key)
    assert face.view.screen == "category"


def test_a_sure_answer_is_acted_on(face):
    to_categories(face)
    face.hear(heard("kesehatan", "kesehatan"))
    assert face.view.screen == "kecamatan" and face.dialog.draft.category_id == 1
    assert face.presses == 4  # the first key and three choices: spoken answers are not keys


def test_an_unsure_answer_is_confirmed_first(face):
    to_categories(face)
    face.hear(heard("pendidikan", "pendidikan", sure=False))
    assert face.view.screen == "category"
    assert said(face)[-1] == "Anda menyebut Pendidikan. Benar? Katakan ya, atau tekan Enter."
    face.hear(heard("tidak", "tidak"))
    assert face.view.screen == "category"  # not confirmed: the screen again
    face.hear(heard("pendidikan", "pendidikan", sure=False))
    face.hear(heard("ya", "ya"))
    assert face.view.screen == "kecamatan" and face.dialog.draft.category_id == 2


def test_unclear_answers_and_commands(face):
    to_categories(face)
    face.hear(heard("", None, sure=False))
    assert said(face)[-1] == "Maaf, jawaban Anda tidak jelas. Ulangi, atau gunakan tombol."
    face.hear(heard("kembali", "kembali"))
    assert face.view.screen == "classification"


def test_spoken_digits_fill_a_numeric_entry(face):
    face.press("1")
    face.press("2")  # follow up: the code
    face.hear(heard("nol nol nol satu lima", None, sure=False))
    assert face.view.entry.value == "00015"
    assert said(face)[-1] == "0 0 0 1 5"


PHONE = "081234567890"


def fill_up_to_the_phone(face: AudioFace) -> None:
    """The screens before the phone number, answered as the touch screen and the recorder
    send them (an audio session records the complaint)."""
    events = [Choose("file"), Choose("pengaduan"), Choose("4"),
              Choose("32.73.02"), Choose("32.73.02.1004"), Next(), Choose("skip"),
              Recorded(voice_attachment().data, 6.0), Next(),
              Choose("today"), Choose("named"), Type("Budi"), Next()]  # fmt: skip
    for event in events:
        face.follow(face.dialog.handle(event))
    assert face.view.screen == "phone"


def test_without_headphones_personal_data_is_not_said(unstarted):
    """UU PDP: the jack says no headphones are in, so the loudspeaker may be overheard."""
    face = unstarted
    face.overheard = True
    face.press("5")  # the session starts on the loudspeaker: the citizen is told why
    assert said(face)[-1].startswith("Headphone tidak terpasang, jadi data pribadi tidak")
    face.press("1")
    fill_up_to_the_phone(face)
    for digit in PHONE:
        face.press(digit)
    assert face.view.entry.value == PHONE
    face.press("REPEAT")
    assert "Sudah diketik 12 karakter; tidak dibacakan tanpa headphone." in said(face)[-1]
    face.follow(face.dialog.handle(Next()))
    face.follow(face.dialog.handle(Choose("public")))
    assert face.view.screen == "review"
    review = said(face)[-1]
    assert "Rekaman suara, 6 detik." in review  # the report itself is read back
    assert "Identitas: Tidak dibacakan tanpa headphone." in review
    assert not any(number in "".join(said(face)) for number in (PHONE, " ".join(PHONE)))
    face.press("HELP")
    face.press("HELP")  # every item in detail: still not the number
    assert "Tidak dibacakan tanpa headphone." in said(face)[-1]
    assert "0812" not in said(face)[-1]
    face.headphones_changed(True)  # headphones in: the review is read in full
    assert f"Dengan nama saya: Budi, {PHONE}." in said(face)[-1]


def test_without_headphones_a_spoken_phone_number_is_not_said_back(unstarted):
    """UU PDP: digits said into the phone number are counted, not repeated on the loudspeaker
    (with headphones they are said back: test_spoken_digits_fill_a_numeric_entry)."""
    face = unstarted
    face.overheard = True
    face.press("5")
    face.press("1")
    fill_up_to_the_phone(face)
    face.hear(heard("nol delapan satu dua", None, sure=False))
    assert face.view.entry.value == "0812"
    assert said(face)[-1] == "4 angka ditambahkan; tidak dibacakan tanpa headphone."


def record_a_complaint(face: AudioFace) -> None:
    """To the recording screen by the keys, and a spoken complaint stored there."""
    import numpy as np

    from voice.recorder import Recording, encode_flac

    # Indonesian, file, pengaduan, a category, Coblong (page 3, first), Dago, no place detail,
    # the staff choose
    for key in ("1", "1", "1", "4", "0", "0", "1", "2", "ENTER", "2"):
        face.press(key)
    assert face.view.screen == "recording"
    samples = np.full(16000 * 2, 1000, dtype=np.int16)
    face.recorded(Recording(encode_flac(samples, 16000), 2.0, ""))
    assert face.recordings.kept  # kept for playing back


def test_the_recording_is_forgotten_once_the_report_is_stored(face):
    """UU PDP: the citizen's voice stays in memory no longer than the draft holding it."""
    record_a_complaint(face)
    for key in ("ENTER", "1", "2", "1"):  # on, today, anonymous, public
        face.press(key)
    assert face.view.screen == "review" and face.recordings.kept
    face.press("ENTER")  # send
    assert face.view.screen == "receipt"
    assert not face.recordings.kept


def test_the_recording_is_forgotten_once_its_draft_is_dropped(face):
    record_a_complaint(face)
    for _ in range(7):  # back through the agency and the place to the menu
        face.press("BACK")
    assert face.view.screen == "menu"  # the next report begins with a new draft
    assert not face.recordings.kept


def test_cancel_mid_filing_asks_first_and_says_the_data_is_wiped(face):
    to_categories(face)
    face.press("CANCEL")
    assert face.view.screen == "category"  # nothing dropped yet
    assert said(face)[-1].startswith("Batalkan laporan ini? Semua yang sudah Anda isi")
    face.press("DOWN")  # any other key: the filing goes on, where it was
    assert face.view.screen == "category"
    assert said(face)[-1].startswith("Tidak dibatalkan. Langkah 2 dari 6. Laporan Anda tentang")
    assert face.dialog.draft.classification == "pengaduan"
    face.press("HOME")
    face.press("ENTER")
    assert face.view.screen == "welcome" and face.dialog.draft.classification == ""
    assert said(face)[-1].startswith(
        "Laporan dibatalkan. Data Anda sudah dihapus dari terminal. Selamat datang"
    )


def test_the_review_is_read_as_numbered_items_and_enter_always_sends(face):
    face.press("1")  # Bahasa Indonesia
    fill_up_to_the_phone(face)
    face.press("ENTER")  # no phone number
    face.press("1")  # public
    assert face.view.screen == "review"
    review = said(face)[-1]
    assert "1: Jenis: Pengaduan. 2: Kategori: Infrastruktur dan Jalan." in review
    assert "3: Tempat: Dago, Coblong, Kota Bandung." in review
    assert review.endswith("Enter: kirim laporan. Angka: ubah bagiannya.")
    face.press("2")  # a digit opens that item ...
    assert face.view.screen == "category"
    face.press("4")  # ... and the same answer brings the citizen back to the review
    assert face.view.screen == "review"
    for key in ("DOWN", "DOWN", "ENTER"):  # browsed, then ENTER: sent, not edited
        face.press(key)
    assert face.view.screen == "receipt"


def test_typed_digits_are_said_back_in_the_groups_they_are_written_in(face):
    face.press("1")
    face.press("2")  # Cek status laporan: the code
    for digit in "0001508":
        face.press(digit)
    face.press("REPEAT")
    assert said(face)[-1].endswith("Sudah diketik: 0 0 0 1, 5 0 8.")


def test_a_cancel_question_is_dropped_by_a_time_out_warning(face):
    to_categories(face)
    face.press("CANCEL")  # "Batalkan laporan ini?" ... and the citizen says nothing
    face.clock.now += 45
    face.tick()
    face.press("4")  # after the warning a key only gives more time
    assert said(face)[-1].startswith("Waktu ditambah.")
    face.press("ENTER")  # no longer an answer to the question: the report stays
    assert face.view.screen == "category" and face.dialog.draft.classification == "pengaduan"
