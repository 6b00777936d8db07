"""Long lists and letters on the keypad, through the audio face: a page at a time, 0 to turn,
the letter jump, and a name typed by multi-tap. A dialog of one screen stands in for the
engine (the location screens may not exist yet) and a speaker that writes down what it says
stands in for the voice, so these run without sound."""

import pytest
from bandung_names import KECAMATAN
from one_screen_face import face_on

from kiosk.audio.face import AudioFace
from kiosk.audio.multitap import PAUSE_S
from kiosk.engine.events import Choose, Next
from kiosk.engine.view import Choice, Entry, ScreenKind, View

LIST = View(
    "kecamatan", "id", "Kecamatan mana?", "", "Pilih kecamatan tempat kejadian.",
    kind=ScreenKind.CHOICE, progress="Langkah 4 dari 7", audio=True,
    choices=tuple(Choice(name.lower().replace(" ", "_"), name) for name in KECAMATAN),
)  # fmt: skip
NAME = View(
    "name", "id", "Nama Anda", "Ketik nama Anda.", "", kind=ScreenKind.ENTRY,
    progress="Langkah 6 dari 7", audio=True, can_go_next=True,
    entry=Entry("text", "", 100, personal=True),
)  # fmt: skip


def press(face: AudioFace, keys: str, gap_s: float = 0.3) -> list[str]:
    """Keys pressed `gap_s` apart (a space in `keys` a pause that ends a letter); what was said."""
    start = len(face.speaker.said)
    for key in keys.split(","):
        if key == " ":
            face.dialog.now += PAUSE_S
            face.tick()
            continue
        face.press(key)
        face.dialog.now += gap_s
    return face.speaker.said[start:]


@pytest.fixture
def kecamatan() -> AudioFace:
    return face_on(LIST)


def test_a_list_of_30_is_read_a_page_of_nine_at_a_time(kecamatan):
    first = kecamatan.speaker.said[0]
    assert "Halaman 1 dari 4. 1: Andir." in first and "9: Batununggal." in first
    assert "Bojongloa" not in first
    assert first.endswith("0: halaman berikutnya. Tahan 0: cari dengan huruf pertama.")
    assert press(kecamatan, "0") == [
        "Halaman 2 dari 4. 1: Bojongloa Kaler. 2: Bojongloa Kidul. 3: Buahbatu. "
        "4: Cibeunying Kaler. 5: Cibeunying Kidul. 6: Cibiru. 7: Cicendo. 8: Cidadap. "
        "9: Cinambo. 0: halaman berikutnya."
    ]
    last = press(kecamatan, "0,0")[-1]
    assert last.startswith("Halaman 4 dari 4. 1: Sukasari. 2: Sumur Bandung. 3: Ujungberung.")
    assert last.endswith("Ini akhir daftar. 0: kembali ke halaman 1.")
    assert press(kecamatan, "0")[0].startswith(
        "Kembali ke awal daftar. Halaman 1 dari 4. 1: Andir."
    )


def test_a_digit_chooses_on_the_page_heard_and_repeat_says_that_page(kecamatan):
    press(kecamatan, "0")
    assert "Halaman 2 dari 4" in press(kecamatan, "REPEAT")[0]
    press(kecamatan, "3")
    assert kecamatan.dialog.events == [Choose("buahbatu")]


def test_help_says_how_the_pages_and_the_letter_jump_work(kecamatan):
    words = press(kecamatan, "HELP")[0]
    assert "Tekan 0 untuk halaman berikutnya" in words and "tahan tombol 0" in words


def test_the_letter_jump_goes_to_the_page_of_the_first_choice_with_the_letter(kecamatan):
    assert press(kecamatan, "SEARCH")[0].startswith("Cari huruf pertama.")
    assert press(kecamatan, "2,2,2") == ["A", "B", "C"]  # each letter as it is tapped
    jumped = press(kecamatan, " ")  # a pause: the list goes there
    assert jumped == [
        "Huruf C. Halaman 2 dari 4. 4: Cibeunying Kaler. 5: Cibeunying Kidul. 6: Cibiru. "
        "7: Cicendo. 8: Cidadap. 9: Cinambo. 0: halaman berikutnya."
    ]
    press(kecamatan, "ENTER")  # the first with the letter is the one stepped to
    assert kecamatan.dialog.events == [Choose("cibeunying_kaler")]


def test_a_letter_no_choice_starts_with_keeps_the_jump_open(kecamatan):
    press(kecamatan, "SEARCH,7,7,ENTER")  # Q
    assert kecamatan.speaker.said[-1].startswith("Tidak ada pilihan yang berawalan huruf Q.")
    press(kecamatan, "9,ENTER")  # W: none either; then U by 8 twice
    said = press(kecamatan, "8,8,ENTER")
    assert said[-1].startswith("Huruf U. Halaman 4 dari 4. 3: Ujungberung.")
    assert press(kecamatan, "CLEAR") == ["Tidak ada yang dihapus."]  # the jump is over


def test_clear_ends_the_letter_jump_and_says_the_page(kecamatan):
    press(kecamatan, "0,SEARCH,2")
    assert press(kecamatan, "CLEAR")[0].startswith("Cari huruf selesai. Halaman 2 dari 4.")
    press(kecamatan, "1")
    assert kecamatan.dialog.events == [Choose("bojongloa_kaler")]


def test_a_name_typed_by_multi_tap_with_each_letter_said_and_read_back():
    face = face_on(NAME)
    assert "seperti menulis SMS" in face.speaker.said[0]
    said = press(face, "7,7,7,7, ,4,4,4,8,4,4,4,0,2")
    assert said == ["P", "Q", "R", "S", "g", "h", "i", "t", "g", "h", "i", "spasi", "A"]
    assert face.view.entry.value == "Siti A"
    assert press(face, "CLEAR") == ["Dihapus: A."]
    assert press(face, "CLEAR") == ["Dihapus: spasi."]
    assert press(face, "ENTER") == [
        "Yang Anda ketik: Siti. Jika benar, tekan Enter lagi. Hapus: ubah."
    ]
    press(face, "ENTER")
    assert face.dialog.events == [Next()]


def test_without_headphones_a_name_is_tones_and_its_letters_counted():
    face = face_on(NAME, overheard=True)
    assert press(face, "7,7,7,7,4,4,4") == ["<tone>"] * 7
    assert press(face, "CLEAR") == ["Dihapus."]  # not which letter
    assert press(face, "4,4,4,ENTER")[-1].startswith("Sudah diketik 2 huruf; tidak dibacakan")


# Spoken names: the recogniser's results given as data (no Indonesian speech model is public;
# the decoding of a name off the page being read is tested with the Korean model in
# test_asr.py).
def heard(phrase: str, sure: bool = True):
    from voice.recognizer import Heard

    return Heard(phrase, phrase, 0.9 if sure else 0.4, sure)


def test_any_name_of_a_long_list_may_be_said_and_is_confirmed_before_it_is_taken(kecamatan):
    from kiosk.audio import spoken

    grammar = spoken.grammar(kecamatan.view)  # on page 1: every name, not only the page's
    assert {name.lower() for name in KECAMATAN} <= set(grammar)
    assert {"ya", "tidak", "ulangi"} <= set(grammar)
    kecamatan.hear(heard("coblong"))  # on page 3, and sure: still confirmed
    assert kecamatan.speaker.said[-1] == (
        "Anda menyebut Coblong. Benar? Katakan ya, atau tekan Enter."
    )
    assert kecamatan.dialog.events == []
    kecamatan.hear(heard("ya"))
    assert kecamatan.dialog.events == [Choose("coblong")]


def test_a_name_heard_is_taken_by_enter_and_not_taken_after_no(kecamatan):
    kecamatan.hear(heard("ujungberung", sure=False))
    kecamatan.hear(heard("tidak"))
    assert "Halaman 4 dari 4." in kecamatan.speaker.said[-1]  # the page of the name
    press(kecamatan, "ENTER")  # not the name refused: ENTER only says the screen again
    assert kecamatan.dialog.events == []
    kecamatan.hear(heard("cicendo"))
    press(kecamatan, "ENTER")
    assert kecamatan.dialog.events == [Choose("cicendo")]


FOLLOW_UP = View(
    "track_result", "id", "Status laporan", "Kode 0001-508-816-3", "", kind=ScreenKind.STATUS,
    audio=True, code="0001-508-816-3",
    choices=(Choice("track_again", "Cek kode lain"), Choice("finish", "Selesai")),
    lines=(
        "Laporan Anda sedang ditindaklanjuti oleh Dinas Perhubungan.",
        "06-04-2026 14:30:00 - Dinas Perhubungan: Lampu sudah diganti.",
        "30-03-2026 09:00:00 - Dinas Perhubungan: Sedang kami periksa.",
    ),
)  # fmt: skip


def test_a_follow_up_says_the_status_first_and_each_answer_on_request():
    face = face_on(FOLLOW_UP)
    assert face.speaker.said[0] == (
        "Status laporan. Laporan Anda sedang ditindaklanjuti oleh Dinas Perhubungan. Ada 2"
        " tanggapan instansi. 3: dengarkan, yang terbaru dulu. 0: kode dibacakan lagi,"
        " pelan-pelan. 1: Cek kode lain. 2: Selesai."
    )
    assert press(face, "3") == [
        "Tanggapan 1 dari 2. 06-04-2026 14:30:00 - Dinas Perhubungan: Lampu sudah diganti."
        " 3: tanggapan berikutnya."
    ]
    assert press(face, "3")[0].endswith("Itu tanggapan terakhir. 3: dari yang terbaru lagi.")
    assert press(face, "3")[0].startswith("Tanggapan 1 dari 2.")  # round again, said so before
    assert press(face, "0,0") == ["Kode, per kelompok: 0 0 0 1. 5 0 8. 8 1 6. 3."] * 2
    assert face.dialog.events == []  # none of these leaves the screen


AGENCIES = View(
    "agency", "id", "Instansi tujuan", "Instansi mana yang perlu menangani?", "",
    kind=ScreenKind.CHOICE, audio=True,
    choices=(
        Choice("3273103", "Dinas Sumber Daya Air dan Bina Marga", "Disarankan untuk laporan ini"),
        Choice("skip", "Biarkan petugas LAPOR! memilih"),
        *(Choice(str(number), f"Dinas {number}") for number in range(1, 21)),
    ),
)  # fmt: skip


def test_a_list_that_may_be_skipped_offers_the_suggestion_and_the_skip_first():
    face = face_on(AGENCIES)
    assert face.speaker.said[0] == (
        "Instansi mana yang perlu menangani? 1: Dinas Sumber Daya Air dan Bina Marga:"
        " Disarankan untuk laporan ini. 2: Biarkan petugas LAPOR! memilih."
        " 0: daftar 20 instansi lainnya."
    )
    assert press(face, "0")[0].startswith("Halaman 1 dari 3. 1: Dinas Sumber Daya Air")
    assert press(face, "0")[0].startswith("Halaman 2 dari 3. 1: Dinas 8.")
    press(face, "2")
    assert face.dialog.events == [Choose("9")]  # the second on page 2


def test_a_key_script_may_hear_each_prompt_out():
    from kiosk.audio.script import ScriptError, parse

    steps = parse(["5   # the first key", "listen", "wait 1.5", "speak a.wav", "", "ENTER"])
    assert steps == [
        ("key", "5"), ("listen", ""), ("wait", "1.5"), ("speak", "a.wav"), ("key", "ENTER")
    ]  # fmt: skip
    with pytest.raises(ScriptError, match="line 1"):
        parse(["listen now"])
