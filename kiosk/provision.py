"""`kiosk provision`: turn a technician's answers (or a TOML file) into a terminal's files.

Writes `ROOT/etc/lapor-kiosk/kiosk.toml` with the technician PIN's salted hash and the
credentials beside it (both mode 0600, owned by the `kiosk` user where it exists), makes the
data directory, and installs a speech model when one is given. Credentials and the PIN are
never printed back.
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

from kiosk.config import ConfigError, load_config
from kiosk.pin_hash import CONFIG_KEY, PinError
from kiosk.technician_pin import ask_new_pin, hash_pin
from kiosk.toml_files import toml_value, write_file

KIOSK_USER = "kiosk"
LEVEL_CHECK_S = 5.0
"""How long the technician speaks while the microphone's level is shown, in seconds."""


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
    echoed); with `hardware`, then the sound devices (test phrase, microphone level) and the
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
    answers["touch"] = {"technician_pin": ask_new_pin(read_secret, allow_empty=True)}
    if hardware:
        sound = ask_sound(read)
        answers.setdefault("audio", {}).update(sound | ask_keypad(read, sound["output_device"]))
        answers["printer"] = ask_printer(read, str(answers["terminal"].get("mall", "")))
    return answers


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
    done.append(_hand_over((config_path, credentials), data, owner))  # after the model too
    done += [f"warning: {problem}" for problem in _device_problems(config)]
    return config_path, done


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
