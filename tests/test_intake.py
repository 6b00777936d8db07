"""`kiosk submit` intake in one process: the file's limits, one validation pass with the field's
name, reference lists by id or by name, and recordings read safely from one folder."""

import io
import json
import os
import stat
from datetime import date
from pathlib import Path

import numpy
import pytest
import soundfile
from test_report import BUNDLED_LISTS as LISTS
from test_report import valid_raw

from kiosk import city_offices
from kiosk.attachment_files import (
    MAX_SUBMIT_BYTES,
    AttachmentFolder,
    AttachmentRefused,
    SubmitTooBig,
    check_audio,
)
from kiosk.city_offices import CityOffices
from kiosk.intake import (
    MAX_DEPTH,
    MAX_INPUT_BYTES,
    SubmissionInvalid,
    SubmitFileInvalid,
    parse_reports_file,
    read_input,
    report_from_json,
    reports_from_json,
)
from kiosk.refdata import lookup
from kiosk.regions import City, load_city
from kiosk.report import Place, Report, ReportInvalid
from kiosk.report_rules import MAX_ATTACHMENT_BYTES

TODAY = date(2026, 11, 25)


def check(raw, root: Path = Path(".")):
    return report_from_json(raw, LISTS, AttachmentFolder(root), TODAY)


def refusals(raw, root: Path = Path(".")) -> dict[str, str]:
    """Field -> message key of every refusal."""
    with pytest.raises(ReportInvalid) as caught:
        check(raw, root)
    for message in caught.value.messages("id") + caught.value.messages("en"):
        message.encode("utf-8")  # printable on any terminal: no lone surrogate in a message
    return {error.field: error.key for error in caught.value.errors}


def write_audio(path: Path, seconds: float = 1.0, rate: int = 16000, **options) -> Path:
    samples = (numpy.sin(numpy.arange(int(seconds * rate)) / 5) * 8000).astype(numpy.int16)
    soundfile.write(path, samples, rate, **options)
    return path


# -- the file -------------------------------------------------------------------------------


def test_reports_file_shapes():
    one = json.dumps(valid_raw())
    assert len(parse_reports_file(one.encode())) == 1
    assert len(parse_reports_file(json.dumps([valid_raw(), valid_raw()]).encode())) == 2
    assert len(parse_reports_file((one + "\n\n" + one + "\n").encode())) == 2
    with pytest.raises(SubmitFileInvalid, match="line 2"):
        parse_reports_file((one + "\n{not json\n").encode())
    with pytest.raises(SubmitFileInvalid, match="empty"):
        parse_reports_file(b"  \n")


def test_a_broken_pretty_printed_document_is_shown_where_it_breaks():
    pretty = json.dumps([valid_raw(), valid_raw()], indent=2).replace('"aspirasi"', "aspirasi")
    pretty = pretty.replace('"title"', "title", 1)  # an unquoted key on some line below 1
    broken_at = pretty.splitlines().index(next(x for x in pretty.splitlines() if "title:" in x))
    with pytest.raises(SubmitFileInvalid, match=rf"^line {broken_at + 1} column \d+"):
        parse_reports_file(pretty.encode())


def test_a_byte_order_mark_is_accepted():
    data = "\ufeff".encode() + json.dumps(valid_raw()).encode()
    [raw] = parse_reports_file(data)
    assert check(raw).report.title == "Jalan berlubang di depan pasar"


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_100000_deep_is_refused_without_a_traceback(opening):
    closing = "]" if opening == "[" else "}"
    with pytest.raises(SubmitFileInvalid, match=f"deeper than {MAX_DEPTH} levels"):
        parse_reports_file((opening * 100_000 + closing * 100_000).encode())


def test_brackets_inside_text_do_not_count_as_depth():
    title = '[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{{ \\" [[[[[[[['
    [raw] = parse_reports_file(json.dumps(valid_raw(title=title)).encode())
    assert raw["title"] == title


def test_a_key_given_twice_is_refused():
    text = json.dumps(valid_raw(is_anonymous=False))[:-1] + ', "is_anonymous": true}'
    with pytest.raises(SubmitFileInvalid, match="is_anonymous is given twice"):
        parse_reports_file(text.encode())


def test_text_that_is_not_utf8_is_refused_with_its_place():
    with pytest.raises(SubmitFileInvalid, match="not UTF-8 text \\(byte 11\\)"):
        parse_reports_file(b'{"title": "\xff"}')
    with pytest.raises(SubmitFileInvalid, match="not UTF-8"):  # an encoded lone surrogate
        parse_reports_file(b'{"title": "\xed\xa0\x80"}')


def test_numbers_of_a_million_digits_are_refused_as_json():
    with pytest.raises(SubmitFileInvalid, match="line 1: not valid JSON"):
        parse_reports_file(b'{"category": ' + b"9" * 100_000 + b"}")


def test_a_file_larger_than_the_limit_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(50 * 2**30)  # sparse: reading it all would take minutes
    with huge.open("rb") as stream, pytest.raises(SubmitFileInvalid, match="split it"):
        read_input(stream)
    assert read_input(io.BytesIO(b"x" * MAX_INPUT_BYTES)) == b"x" * MAX_INPUT_BYTES


def test_every_report_is_checked_and_numbered():
    items = [valid_raw(), valid_raw(title=""), {"title": 5}]
    with pytest.raises(SubmissionInvalid) as caught:
        reports_from_json(items, LISTS, AttachmentFolder(Path(".")), TODAY)
    messages = caught.value.messages("en")
    assert "report 2: Title: is required." in messages
    assert "report 3: Title: must be text." in messages
    assert not any(message.startswith("report 1") for message in messages)
    with pytest.raises(SubmitFileInvalid, match="no report"):
        reports_from_json([], LISTS, AttachmentFolder(Path(".")), TODAY)


# -- one report: types, characters, unknown fields ------------------------------------------

WRONG_VALUES = [42, ["Budi", "S"], True, {"a": 1}]


@pytest.mark.parametrize("value", WRONG_VALUES)
@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        (lambda v: {"title": v}, "title", "not_text"),
        (lambda v: {"content": v}, "content", "not_text"),
        (lambda v: {"reporter": {"name": v}}, "reporter.name", "not_text"),
        (lambda v: {"reporter": {"phone": v}}, "reporter.phone", "not_text"),
        (lambda v: {"reporter": {"email": v}}, "reporter.email", "not_text"),
        (lambda v: {"language": v}, "language", "not_text"),
        (lambda v: {"date_of_incident": v}, "date_of_incident", "date_format"),
        (lambda v: {"classification": v}, "classification", "classification_unknown"),
        (lambda v: {"id": v}, "id", "client_id_invalid"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_with_its_field(changes, field, key, value):
    assert refusals(valid_raw(**changes(value)))[field] == key


@pytest.mark.parametrize("value", WRONG_VALUES)
def test_a_location_neither_text_code_nor_place_says_what_it_may_be(value):
    """A place may be an object now: one of another shape is refused by its unknown keys."""
    expected = "unknown_field" if isinstance(value, dict) else "location_form"
    assert refusals(valid_raw(location=value)) == {"location": expected}


@pytest.mark.parametrize("value", [True, 4.0, ["4"], {"id": 4}])
@pytest.mark.parametrize("field", ["category", "institution_id", "location_id"])
def test_a_reference_of_the_wrong_type_is_refused(field, value):
    assert refusals(valid_raw(**{field: value})) == {field: "not_an_id_or_name"}


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"is_anonymous": "true"}, "is_anonymous", "not_a_flag"),
        ({"is_secret": 1}, "is_secret", "not_a_flag"),
        ({"reporter": ["Budi"]}, "reporter", "not_an_object"),
        ({"attachments": "rekaman.ogg"}, "attachments", "attachment_path"),
        ({"attachments": [7]}, "attachments", "attachment_path"),
    ],
)
def test_flags_objects_and_lists_of_the_wrong_type(changes, field, key):
    assert refusals(valid_raw(**changes)) == {field: key}


def test_a_refused_value_is_never_stored_as_its_text():
    """`['Budi', 'S']` and `True` were stored as names; now the field is refused alone."""
    errors = refusals(valid_raw(reporter={"name": ["Budi", "S"], "email": True}))
    assert errors == {"reporter.name": "not_text", "reporter.email": "not_text"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"is_anonymus": True}, "report"),
        ({"reporter": {"name": "Siti Aminah", "nik": "3171"}}, "reporter"),
        ({"attachments": [{"path": "a.ogg", "mime": "audio/ogg"}]}, "attachments"),
    ],
)
def test_an_unknown_field_is_refused_by_name(changes, field):
    with pytest.raises(ReportInvalid) as caught:
        check(valid_raw(**changes))
    [error] = [error for error in caught.value.errors if error.key == "unknown_field"]
    assert error.field == field
    assert error.params["name"] in error.message("en")


def test_a_lone_surrogate_in_a_field_or_a_path_is_a_clear_refusal(tmp_path):
    text = json.dumps(valid_raw(attachments=["x.ogg"]))
    text = text.replace("Jalan berlubang", "Jalan \\ud800 berlubang")
    text = text.replace("Siti Aminah", "Siti \\udfff")
    text = text.replace("x.ogg", "rekaman\\ud83d.ogg")
    [raw] = parse_reports_file(text.encode())
    assert refusals(raw, tmp_path) == {
        "title": "control_characters",
        "reporter.name": "control_characters",
        "attachments": "control_characters",
    }


def test_a_lone_surrogate_in_a_reference_name_is_echoed_printably():
    with pytest.raises(ReportInvalid) as caught:
        check(valid_raw(category="Kese\ud800"))
    assert "Kese\\ud800" in caught.value.messages("en")[0]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x1c"])
def test_separators_are_refused_in_one_line_fields(separator):
    raw = valid_raw(title=f"Jalan{separator}berlubang", location=f"Jl.{separator}Merdeka")
    assert refusals(raw) == {"title": "control_characters", "location": "control_characters"}


def test_the_client_id_is_a_uuid_odk_prefix_allowed():
    uuid_text = "0B5E6A1C-3F7D-4C1E-9A2B-6D8F0E4C2A71"
    assert check(valid_raw(id=uuid_text)).client_id == uuid_text.lower()
    assert check(valid_raw(id=f"uuid:{uuid_text}")).client_id == uuid_text.lower()
    assert check(valid_raw()).client_id is None
    assert refusals(valid_raw(id="laporan-1")) == {"id": "client_id_invalid"}


# -- reference lists --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (1, 1),
        ("4", 4),
        ("Kesehatan", 1),
        ("kesehatan", 1),
        ("KÉSÉHATAN", 1),
        ("Infrastruktur", 4),
        ("infra struktur dan jalan", 4),
        ("  lain  ", 10),
        ("health", 1),  # the English name of the bundled list
    ],
)
def test_a_category_by_id_or_by_name(given, expected):
    assert check(valid_raw(category=given)).report.category_id == expected


def test_an_agency_and_an_area_by_name():
    report = check(valid_raw(institution_id="bpjs", location_id="Cobl")).report
    assert (report.institution_id, report.location_id) == (110, 327302)
    assert check(valid_raw(location_id="32.73.02")).report.location_id == 327302  # by code


def test_a_whole_name_wins_over_longer_names_it_begins():
    items = [{"id": 1, "name": "Sosial"}, {"id": 2, "name": "Sosial dan Bantuan"}]
    assert lookup(items, "sosial").item["id"] == 1
    assert lookup(items, "sosial d").item["id"] == 2


@pytest.mark.parametrize(
    ("field", "given", "key", "offered"),
    [
        ("category", "kesehatn", "reference_unknown_name", "Kesehatan"),
        ("category", "Pendidkan", "reference_unknown_name", "Pendidikan"),
        ("category", "qqqqqqqq", "reference_unknown_name_no_match", "kiosk refdata show"),
        ("category", 99, "reference_unknown_id", "kiosk refdata show categories"),
        ("category", "99", "reference_unknown_id", "kiosk refdata show categories"),
        ("institution_id", "Dinas", "reference_ambiguous_name", "Dinas Kesehatan, Dinas"),
        ("location_id", "bandung", "reference_ambiguous_name", "Bandung Wetan"),
        ("location_id", 1, "reference_unknown_id", "kiosk refdata show locations"),
    ],
)
def test_an_unknown_or_ambiguous_reference_offers_the_closest_names(field, given, key, offered):
    with pytest.raises(ReportInvalid) as caught:
        check(valid_raw(**{field: given}))
    [error] = caught.value.errors
    assert (error.field, error.key) == (field, key)
    assert offered in error.message("id") and offered in error.message("en")


# -- the place and its offices -------------------------------------------------------------


@pytest.fixture(scope="module")
def bandung(tmp_path_factory) -> tuple[City, CityOffices]:
    folder = tmp_path_factory.mktemp("region")
    return load_city("32.73", folder), city_offices.load("32.73", folder)


def in_bandung(raw, bandung, lists=LISTS) -> Report:
    city, offices = bandung
    folder = AttachmentFolder(Path("."))
    [submitted] = reports_from_json([raw], lists, folder, TODAY, city, offices)
    return submitted.report


DAGO = Place("32.73.02.1004", "Kota Bandung", "Coblong", "Dago")


@pytest.mark.parametrize(
    ("location", "place", "detail"),
    [
        ({"kecamatan": "Coblong", "kelurahan": "Dago", "detail": "depan SD"}, DAGO, "depan SD"),
        ({"kecamatan": " COBLONG ", "kelurahan": "dago"}, DAGO, ""),
        ({"kecamatan": "32.73.02", "kelurahan": "32.73.02.1004"}, DAGO, ""),
        ("32.73.02.1004", DAGO, ""),
        (" 32.73.02 ", Place("32.73.02", "Kota Bandung", "Coblong"), ""),
        (
            {"kecamatan": "coblong", "kelurahan": "Lebakgede"},
            Place("32.73.02.1002", "Kota Bandung", "Coblong", "Lebak Gede"),
            "",
        ),
        ("Jl. Dago No. 5", Place(), "Jl. Dago No. 5"),  # text: the place as before
        ({"detail": "Jl. Dago No. 5"}, Place(), "Jl. Dago No. 5"),
    ],
)
def test_a_place_by_code_or_by_names_with_its_detail(bandung, location, place, detail):
    report = in_bandung(valid_raw(location=location), bandung)
    assert (report.place, report.location) == (place, detail)


@pytest.mark.parametrize(
    ("location", "field", "key", "says"),
    [
        ({"kecamatan": "Cobong"}, "location.kecamatan", "place_unknown_name", "Coblong"),
        (
            {"kecamatan": "Coblong", "kelurahan": "Dagoo"},
            "location.kelurahan",
            "place_unknown_name",
            "Dagoo tidak ada di Kecamatan Coblong. Mungkin maksudnya: Dago.",
        ),
        ({"kecamatan": "Bandung"}, "location.kecamatan", "reference_ambiguous_name", "Kulon"),
        ({"kelurahan": "Dago"}, "location.kecamatan", "required", "wajib diisi"),
        ("32.73.99", "location", "place_unknown_code", "bukan kecamatan atau kelurahan"),
        ("32.04.10.2001", "location", "place_unknown_code", "di Kota Bandung"),
        (5, "location", "location_form", "32.73.02.1004"),
        ({"kecamatan": "Coblong", "rt": "05"}, "location", "unknown_field", "rt"),
        ({"kecamatan": "Coblong", "detail": "ab"}, "location_detail", "too_short_optional", ""),
    ],
)
def test_a_place_not_found_says_what_is_near(bandung, location, field, key, says):
    with pytest.raises(SubmissionInvalid) as caught:
        in_bandung(valid_raw(location=location), bandung)
    [(_, invalid)] = caught.value.problems
    [error] = invalid.errors  # the stand-in empty place is not refused twice
    assert (error.field, error.key) == (field, key)
    assert says in error.message("id")


FOLDER = AttachmentFolder(Path("."))


def test_without_region_data_a_place_by_name_cannot_be_read_but_text_can():
    with pytest.raises(SubmissionInvalid) as caught:
        reports_from_json([valid_raw(location="32.73.02")], LISTS, FOLDER, TODAY)
    [(_, invalid)] = caught.value.problems
    assert [error.key for error in invalid.errors] == ["place_unavailable"]
    assert check(valid_raw(location="Jl. Dago No. 5")).report.place == Place()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Kelurahan Dago", 3273021004),
        ("kecamatan coblong", 327302),
        ("Dinas Sumber Daya Air", 3273103),  # a city agency the synced list does not have
        ("Dinas Kesehatan", 101),  # the same name in the list: the list's id
        (3273021004, 3273021004),
    ],
)
def test_an_office_of_the_city_by_name_or_id(bandung, given, expected):
    raw = valid_raw(location={"kecamatan": "Coblong", "kelurahan": "Dago"}, institution_id=given)
    assert in_bandung(raw, bandung).institution_id == expected


def test_an_unknown_office_offers_the_closest_offices_of_the_city(bandung):
    with pytest.raises(SubmissionInvalid) as caught:
        in_bandung(valid_raw(institution_id="Kelurahan Dagoo"), bandung)
    [(_, invalid)] = caught.value.problems
    assert "Kelurahan Dago" in invalid.errors[0].message("id")


def test_a_missing_category_is_required():
    assert refusals(valid_raw(category=None)) == {"category": "required"}
    assert refusals(valid_raw(category="  ")) == {"category": "required"}


# -- attachments --------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "kiriman"
    root.mkdir()
    write_audio(root / "keluhan.flac")
    (root / "rekaman").mkdir()
    write_audio(root / "rekaman" / "kedua.wav")
    write_audio(tmp_path / "di-luar.ogg", format="OGG", subtype="VORBIS")
    return root


def attachment_refusal(root: Path, path: str) -> str:
    with pytest.raises(AttachmentRefused) as caught:
        AttachmentFolder(root).read(path)
    return caught.value.error.key


def test_recordings_beneath_the_folder_are_read(folder):
    report = check(
        valid_raw(attachments=["keluhan.flac", {"path": "rekaman/kedua.wav"}]), folder
    ).report
    assert [(a.filename, a.mime) for a in report.attachments] == [
        ("keluhan.flac", "audio/flac"),
        ("kedua.wav", "audio/wav"),
    ]
    assert report.attachments[0].data == (folder / "keluhan.flac").read_bytes()


@pytest.mark.parametrize(
    "path", ["../di-luar.ogg", "rekaman/../../di-luar.ogg", "/etc/shadow", "/dev/zero"]
)
def test_a_path_out_of_the_folder_is_refused(folder, path):
    assert attachment_refusal(folder, path) == "attachment_outside"


def test_symbolic_links_are_never_followed(folder, tmp_path):
    (folder / "shadow.wav").symlink_to("/etc/shadow")
    (folder / "luar.ogg").symlink_to(tmp_path / "di-luar.ogg")
    (folder / "tautan").symlink_to(tmp_path)
    assert attachment_refusal(folder, "shadow.wav") == "attachment_link"
    assert attachment_refusal(folder, "luar.ogg") == "attachment_link"
    assert attachment_refusal(folder, "tautan/di-luar.ogg") == "attachment_link"


def test_a_fifo_is_refused_without_waiting_for_a_writer(folder):
    os.mkfifo(folder / "pipa.wav")
    assert attachment_refusal(folder, "pipa.wav") == "attachment_not_file"


def test_a_device_inside_the_folder_is_refused(folder):
    try:
        os.mknod(folder / "nol.wav", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert attachment_refusal(folder, "nol.wav") == "attachment_not_file"


def test_an_oversized_file_is_refused_before_it_is_read(folder):
    with (folder / "besar.flac").open("wb") as stream:
        stream.truncate(50 * 2**30)  # sparse 50 GB: reading it would take minutes
    assert attachment_refusal(folder, "besar.flac") == "attachment_too_big"
    with (folder / "pas.flac").open("wb") as stream:
        stream.truncate(MAX_ATTACHMENT_BYTES + 1)
    assert attachment_refusal(folder, "pas.flac") == "attachment_too_big"


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("bukan-audio.wav", b"RIFF\x00\x00\x00\x00WAVEfmt hello, not audio at all", "not_audio"),
        ("teks.wav", b"Ini bukan rekaman.", "not_audio"),
        ("kosong.ogg", b"", "empty"),
        ("surat.pdf", b"%PDF-1.4", "type"),
        ("tidak-ada.wav", None, "missing"),
    ],
)
def test_a_file_that_is_not_a_recording_is_refused(folder, name, content, key):
    if content is not None:
        (folder / name).write_bytes(content)
    assert attachment_refusal(folder, name) == f"attachment_{key}"


def test_a_truncated_recording_is_refused(folder):
    whole = (folder / "keluhan.flac").read_bytes()
    (folder / "terpotong.flac").write_bytes(whole[:200])
    assert attachment_refusal(folder, "terpotong.flac") == "attachment_not_audio"


def test_the_format_must_be_what_the_name_says(folder):
    (folder / "sebenarnya-flac.wav").write_bytes((folder / "keluhan.flac").read_bytes())
    assert attachment_refusal(folder, "sebenarnya-flac.wav") == "attachment_wrong_format"


def test_a_recording_of_an_implausible_length_is_refused(folder):
    write_audio(folder / "sekejap.wav", seconds=0.1)
    assert attachment_refusal(folder, "sekejap.wav") == "attachment_length"
    # An hour of silence in FLAC is a few hundred KB: refused from its header, not decoded.
    soundfile.write(folder / "sejam.flac", numpy.zeros(3600 * 8000, numpy.int16), 8000)
    assert (folder / "sejam.flac").stat().st_size < MAX_ATTACHMENT_BYTES
    assert attachment_refusal(folder, "sejam.flac") == "attachment_length"


def test_check_audio_gives_the_length(folder):
    data = (folder / "keluhan.flac").read_bytes()
    assert check_audio(data, "audio/flac", "keluhan.flac") == pytest.approx(1.0)


def test_more_than_three_recordings_are_refused_before_any_is_read(folder):
    paths = ["keluhan.flac", "keluhan.flac", "keluhan.flac", "/dev/zero"]
    assert refusals(valid_raw(attachments=paths), folder) == {"attachments": "too_many_attachments"}


def test_the_recordings_of_one_submit_are_capped_before_they_are_read(folder):
    write_audio(folder / "panjang.wav", seconds=300)  # 9.6 MB
    size = (folder / "panjang.wav").stat().st_size
    reader = AttachmentFolder(folder)
    for _ in range(MAX_SUBMIT_BYTES // size):
        reader.read("panjang.wav")
    with pytest.raises(SubmitTooBig, match=r"panjang\.wav"):
        reader.read("panjang.wav")
    assert reader.total_bytes <= MAX_SUBMIT_BYTES
