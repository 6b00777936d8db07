"""`kiosk provision`: turn a technician's answers (or a TOML file) into a terminal's files.

Writes `ROOT/etc/lapor-kiosk/kiosk.toml` with the technician PIN's salted hash and the
credentials beside it (both mode 0600, owned by the `kiosk` user where it exists), makes the
data directory, extracts the terminal's kota/kabupaten (`[terminal] region`, asked by code or
by name) into its cache there and installs the city's file of offices (the answers' `[city]
file`, else the one bundled for the region), and installs a speech model when one is given.
Credentials and the PIN are never printed back.
"""

from __future__ import annotations

import getpass
import os
import pwd
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk import city_offices
from kiosk.config import ConfigError, KioskConfig, TerminalConfig, load_config
from kiosk.folding import folded
from kiosk.pin_hash import CONFIG_KEY, PinError
from kiosk.regions import KOTA_CODE, City, RegionError, load_city
from kiosk.technician_pin import ask_new_pin, hash_pin
from kiosk.toml_files import toml_value, write_file

KIOSK_USER = "kiosk"
LEVEL_CHECK_S = 5.0
"""How long the technician speaks while the microphone's level is shown, in seconds."""
REGION_PROMPT = "Kota/kabupaten this terminal serves (a code like 32.73, or a name)"
REGION_CHOICES = 9
"""How many kota/kabupaten a name offers at once (more of the name narrows them)."""


@dataclass(frozen=True)
class Question:
    section: str
    key: str
    prompt: str
    default: str = ""
    secret: bool = False
    kind: type = str


QUESTIONS = (
    Question("terminal", "id", "Terminal id (e.g. MPP-JKT-SEL-01)"),
    Question("terminal", "number", "Fleet number of this terminal, 1-9999", kind=int),
    Question("terminal", "mall", "Public service mall"),
    Question("terminal", "location", "Where in the mall", ""),
    Question("terminal", "default_language", "Default language (id or en)", "id"),
    Question("lapor", "base_url", "LAPOR! API base URL", "https://api-splp.layanan.go.id/lapor/3.0.0"),
    Question("lapor", "channel_id", "LAPOR! channel id", kind=int),
    Question("lapor", "auth_key", "API key", secret=True),
    Question("lapor", "token", "API token (GUID)", secret=True),
    Question("audio", "jack", "Headphone jack (gpio:PATH or alsa:CARD:CONTROL, empty: none)"),
    Question("speech", "model", "Speech model archive or folder (empty: none)"),
)  # fmt: skip


def ask(
    read: Callable[[str], str] = input,
    read_secret: Callable[[str], str] = getpass.getpass,
    hardware: bool = True,
) -> dict:
    """The answers, asked one by one in a terminal (secrets and the technician PIN are not
    echoed), the kota/kabupaten by code or name (a city file where none is bundled for it);
    with `hardware`, then the sound devices (test phrase, microphone level) and the
    keypad (learned)."""
    answers: dict[str, dict[str, object]] = {}
    for question in QUESTIONS:
        default = f" [{question.default}]" if question.default else ""
        reader = read_secret if question.secret else read
        while True:
            raw = reader(f"{question.prompt}{default}: ").strip() or question.default
            try:
                value = question.kind(raw) if raw else raw
            except ValueError:
                print(f"  {question.prompt}: a number, please")
                continue
            break
        answers.setdefault(question.section, {})[question.key] = value
    country = country_index()
    region = answers["terminal"]["region"] = ask_region(read, country)
    if city_offices.bundled(region) is None:
        name = country.others[region]
        prompt = f"City file of offices for {name} (empty: none, import one later)"
        answers["city"] = {"file": read(f"{prompt}: ").strip()}
    answers["touch"] = {"technician_pin": ask_new_pin(read_secret, allow_empty=True)}
    if hardware:
        sound = ask_sound(read)
        answers.setdefault("audio", {}).update(sound | ask_keypad(read, sound["output_device"]))
        answers["printer"] = ask_printer(read, str(answers["terminal"].get("mall", "")))
    return answers


def country_index() -> City:
    """A city whose `others` name every kota and kabupaten of the country: any city's data
    has them. Extracted in a child (the country's data never in this process), here into a
    folder that is gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="kiosk-region-") as folder:
        return load_city(TerminalConfig.region, Path(folder))


def region_matches(given: str, country: City) -> list[tuple[str, str]]:
    """The kota/kabupaten (code, name) `given` names: by its code or its whole name, else
    each whose name holds it ("bandung": Kabupaten Bandung, ..., Kota Bandung), at most one
    more than `REGION_CHOICES` (the caller says there are more)."""
    given = given.strip()
    if given in country.others:
        return [(given, country.others[given])]
    exact = [(code, name) for code, name in country.others.items() if folded(name) == folded(given)]
    return exact or country.search_others(given, limit=REGION_CHOICES + 1)


def ask_region(read: Callable[[str], str], country: City) -> str:
    """The code of the kota/kabupaten the terminal serves, asked by code or by name (the
    matches offered by number)."""
    default = TerminalConfig.region
    while True:
        given = read(f"{REGION_PROMPT} [{default} {country.others[default]}]: ").strip()
        matches = region_matches(given or default, country)
        if len(matches) == 1:
            print(f"  {matches[0][1]} ({matches[0][0]})")
            return matches[0][0]
        if not matches:
            print(f"  no kota or kabupaten has the code or a name like {given!r}")
            continue
        for number, (code, name) in enumerate(matches[:REGION_CHOICES], 1):
            print(f"  {number}: {name} ({code})")
        if len(matches) > REGION_CHOICES:
            print("  ... and more: type more of the name")
        choice = read("Number (empty: search again): ").strip()
        if choice.isdigit() and 1 <= int(choice) <= min(len(matches), REGION_CHOICES):
            return matches[int(choice) - 1][0]


def _yes(answer: str, default: bool) -> bool:
    answer = answer.strip().lower()
    return default if not answer else answer in ("y", "yes", "ya")


def ask_sound(read: Callable[[str], str]) -> dict[str, str]:
    """Choose the output (the test phrase must be heard) and the microphone (its level seen)."""
    from kiosk.sound_check import check_input, choose_device, play_test_phrase, print_level

    output = microphone = ""
    while True:
        print("Sound output for speech (the headphone jack):")
        output = choose_device("output", output, read, print)
        verdict = play_test_phrase(output)
        print(f"  {verdict.detail} {verdict.fix}".rstrip())
        question = "Heard the test phrase clearly? [Y/n]: " if verdict.ok else "Keep it? [y/N]: "
        if _yes(read(question), verdict.ok):
            break
    while True:
        print("Microphone (for spoken answers and spoken complaints):")
        microphone = choose_device("input", microphone, read, print)
        print(f"Speak into it for {LEVEL_CHECK_S:g} seconds ...")
        verdict = check_input(microphone, LEVEL_CHECK_S, print_level)
        print(f"\n  {verdict.detail} {verdict.fix}".rstrip())
        if verdict.ok or _yes(read("Keep it anyway? [y/N]: "), False):
            break
    return {"output_device": output, "input_device": microphone}


def ask_printer(read: Callable[[str], str], mall: str) -> dict[str, str]:
    """Name the receipt printer; a test receipt is printed and must come out clearly."""
    from hardware.printer import print_test_receipt

    while True:
        device = read("Receipt printer (usb:VID:PID, file:/dev/usb/lp0, empty: none): ").strip()
        if not device:
            return {"device": ""}
        problem = print_test_receipt(device, mall)
        print(f"  {problem or 'a test receipt was sent to the printer'}")
        question = "Did it come out clearly? [Y/n]: " if not problem else "Keep it? [y/N]: "
        if _yes(read(question), not problem):
            return {"device": device}


def ask_keypad(read: Callable[[str], str], output_device: str) -> dict[str, str]:
    """Learn the keypad on the touch screen (prompts spoken on `output_device` too), or name
    a bundled key map."""
    from kiosk.config import AudioConfig, KioskConfig
    from kiosk.touch.display import display_found
    from kiosk.touch.run import run_keypad_learner

    if display_found() and _yes(read("Learn the keypad now, on the touch screen? [Y/n]: "), True):
        learned = Path(tempfile.mkdtemp(prefix="kiosk-keys-")) / "keymap.toml"
        config = KioskConfig(audio=AudioConfig(output_device=output_device))
        if run_keypad_learner(config, learned):
            return {"keymap": str(learned)}
        print("  keypad learning cancelled")
    return {"keymap": read("Keypad map (hardware/keymaps) [usb-numpad]: ").strip() or "usb-numpad"}


def provision(answers: dict, root: Path, owner: str = KIOSK_USER) -> tuple[Path, list[str]]:
    """Write the terminal's files under `root`; returns the config path and what was done."""
    from models.installer import ModelError, install

    etc = root / "etc" / "lapor-kiosk"
    data = root / "var" / "lib" / "lapor-kiosk"
    etc.mkdir(parents=True, exist_ok=True)
    os.chmod(etc, 0o755)  # the kiosk user reads its configuration; the secrets have their own file
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    sections = {name: dict(values) for name, values in answers.items()}
    lapor = sections.setdefault("lapor", {})
    secrets = {key: lapor.pop(key, "") for key in ("auth_key", "token")}
    model = str(sections.pop("speech", {}).get("model") or "")
    city_file = str(sections.pop("city", {}).get("file") or "")
    terminal = sections.setdefault("terminal", {})
    terminal["region"] = _region_code(str(terminal.get("region") or TerminalConfig.region))
    touch = sections.setdefault("touch", {})
    if pin := str(touch.pop("technician_pin", "")):
        try:
            touch[CONFIG_KEY] = hash_pin(pin)
        except PinError as error:
            raise ConfigError(f"[touch] technician_pin: {error}") from None
    credentials = etc / "credentials.toml"
    write_file(credentials, "".join(f"{k} = {toml_value(v)}\n" for k, v in secrets.items()), 0o600)
    lapor["credentials_file"] = "credentials.toml"
    audio = sections.setdefault("audio", {})
    keymap = Path(str(audio.get("keymap", "")))
    if keymap.suffix == ".toml" and keymap.is_file():  # a learned or hand-made map: keep a copy
        write_file(etc / "keymap.toml", keymap.read_text("utf-8"), 0o644)
        audio["keymap"] = str(etc / "keymap.toml")
    sections.setdefault("data", {})["dir"] = str(data)
    lines = ["# Written by `kiosk provision`.\n"]
    for name, values in sections.items():
        lines.append(f"\n[{name}]\n")
        lines += [f"{key} = {toml_value(value)}\n" for key, value in values.items() if value != ""]
    config_path = etc / "kiosk.toml"
    write_file(config_path, "".join(lines), 0o600)  # the PIN's hash: for the kiosk user only
    with_pin = "with the technician PIN" if touch.get(CONFIG_KEY) else "without technician PIN"
    done = [f"configuration {config_path} (0600, {with_pin})", f"credentials {credentials} (0600)"]
    try:
        config = load_config(config_path, env={})
    except ConfigError as error:
        raise ConfigError(f"the answers do not make a valid configuration: {error}") from None
    if model:
        try:
            installed = install(Path(model), config.data.dir / "models")
        except ModelError as error:
            raise ConfigError(f"speech model: {error}") from None
        done.append(f"speech model {installed.name} ({installed.language})")
    done += _install_region(config, city_file)
    done.append(_hand_over((config_path, credentials), data, owner))  # after the model too
    done += [f"warning: {problem}" for problem in _device_problems(config)]
    return config_path, done


def _region_code(given: str) -> str:
    """`[terminal] region` as a code: an answers file may name the kota/kabupaten, if the
    name is one only."""
    if KOTA_CODE.fullmatch(given):
        return given  # checked when its data is extracted
    try:
        matches = region_matches(given, country_index())
    except RegionError as error:
        raise ConfigError(f"[terminal] region: {error}") from None
    if len(matches) == 1:
        return matches[0][0]
    named = ", ".join(f"{name} ({code})" for code, name in matches[:REGION_CHOICES])
    problem = f"{given!r} could be {named}" if matches else f"no kota or kabupaten {given!r}"
    raise ConfigError(f"[terminal] region: {problem}; write its code, e.g. 32.73")


def _install_region(config: KioskConfig, city_file: str) -> list[str]:
    """Extract the terminal's kota/kabupaten into its cache and install its city file (the
    one given, else one already installed for it, else the bundled one)."""
    region, data = config.terminal.region, config.data.dir
    try:
        city = load_city(region, data)
    except (RegionError, OSError) as error:
        raise ConfigError(f"[terminal] region: {error}") from None
    villages = sum(len(district.parts) for district in city.districts)
    done = [f"region {city.name} ({region}): {len(city.districts)} kecamatan, {villages} kelurahan"]
    installed = data / city_offices.INSTALLED_FILE
    try:
        if city_file:
            raw, source = Path(city_file).read_bytes(), city_file
        elif installed.is_file() and _is_city_file(installed.read_bytes(), region):
            return [*done, f"city file {installed} kept"]
        else:
            raw, source = city_offices.bundled(region), "bundled"
        if raw is None:
            fix = "import one with `kiosk refdata import FILE`"
            return [*done, f"warning: no city file for {city.name}: no agencies to offer; {fix}"]
        offices = city_offices.install(raw, region, data)
    except (OSError, city_offices.CityFileError) as error:
        raise ConfigError(f"city file {city_file or 'bundled'}: {error}") from None
    return [*done, f"city file {installed} ({source}): {len(offices.agencies)} agencies"]


def _is_city_file(raw: bytes, region: str) -> bool:
    try:
        city_offices.parse(raw, region)
    except city_offices.CityFileError:
        return False
    return True


def _hand_over(secret_files: tuple[Path, ...], data: Path, owner: str) -> str:
    """The services run as `owner`: give it the configuration, the credentials and everything
    in the data dir."""
    try:
        user = pwd.getpwnam(owner)
    except KeyError:
        return f"owner unchanged: there is no user {owner!r} (the installer makes it)"
    for path in secret_files:
        os.chown(path, user.pw_uid, user.pw_gid)
    for folder, _subfolders, files in os.walk(data):  # the data directory and all in it
        for path in (folder, *(os.path.join(folder, name) for name in files)):
            os.chown(path, user.pw_uid, user.pw_gid)
    return f"configuration, credentials and data owned by {owner}"


def read_answers(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None


def _device_problems(config) -> list[str]:
    """Configured sound devices and key map that do not work here now (typo, unplugged)."""
    from kiosk.audio.keymap import load_keymap
    from kiosk.sound_check import missing_devices

    problems = missing_devices(config.audio.output_device, config.audio.input_device)
    try:
        load_keymap(config.audio.keymap)
    except ConfigError as error:
        problems.append(str(error))
    return problems
