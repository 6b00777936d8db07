"""Keypad learning: the logic alone, then the real window under Xvfb with real X key events
(xdotool), read through SDL2 and Kivy exactly as the kiosk reads its keypad."""

import os
import subprocess
import sys
import threading
import time

import pytest
from repo_paths import REPO_ROOT

from kiosk.audio.keymap import load_holds, load_keymap
from kiosk.audio.keypad_learning import OPTIONAL, REQUIRED, KeypadLearning
from kiosk.config import load_config
from kiosk.touch.display import virtual_display
from voice.virtual_sound import virtual_sound

PHONE_LAYOUT = [
    *("KP_7", "KP_8", "KP_9", "KP_4", "KP_5", "KP_6", "KP_1", "KP_2", "KP_3", "KP_0"),
    *("KP_Enter", "KP_Decimal", "KP_Divide", "KP_Multiply", "KP_Subtract", "KP_Add"),
]
"""The X keys of a USB numeric keypad, pressed in the order asked, 1-2-3 on the top row."""
SKIP_BUTTON = (226, 720)
"""Where the Skip button is in the 1280x800 window (padding 32, three buttons, 96 high)."""
CANCEL_BUTTON = (1054, 720)


def test_learning_refuses_a_key_twice_and_a_required_skip():
    learning = KeypadLearning()
    assert learning.asked == "1" and not learning.skip()
    assert learning.press(263) == "" and learning.asked == "2"
    assert learning.press(263) == "1"  # already learned: still asking for 2
    assert learning.press(300) == "" and learning.asked == "2"  # NumLock is never learned
    for code, _name in enumerate(REQUIRED[1:], start=1):
        learning.press(code)
    assert learning.asked == OPTIONAL[0] and learning.can_skip
    assert all(learning.skip() for _ in OPTIONAL) and learning.done
    assert learning.skipped == list(OPTIONAL)


def test_a_learned_map_is_read_back_by_the_kiosk(tmp_path):
    learning = KeypadLearning()
    for code in range(400, 400 + len(REQUIRED)):
        learning.press(code)
    path = tmp_path / "keymap.toml"
    path.write_text(learning.as_toml())
    assert load_keymap(str(path)) == dict(zip(range(400, 416), REQUIRED, strict=True))


@pytest.fixture(scope="module")
def display():
    with virtual_display() as number:
        yield {**os.environ, "DISPLAY": number, "KIOSK_CONFIG": ""}


def learner(env: dict, out) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "keypad", "learn", "--out", str(out), "--windowed"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert "window open" in process.stdout.readline()
    time.sleep(0.5)  # the first frame is drawn
    return process


def xdotool(env: dict, *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, check=True)
    time.sleep(0.15)


def tap(env: dict, where: tuple[int, int]) -> None:
    xdotool(env, "mousemove", str(where[0]), str(where[1]))
    xdotool(env, "click", "1")


def press_a_numeric_keypad(env: dict) -> None:
    """What a technician does at the learner: the keypad's keys, then Skip four times."""
    for key in [*PHONE_LAYOUT[:2], "KP_7", *PHONE_LAYOUT[2:]]:  # one key pressed twice
        xdotool(env, "key", key)
    xdotool(env, "key", "BackSpace")  # BACK
    xdotool(env, "key", "Escape")  # HOME
    for _ in OPTIONAL[2:]:  # no volume or rate keys on this keypad
        tap(env, SKIP_BUTTON)


def assert_numeric_keypad(learned: dict[int, str]) -> None:
    shipped = load_keymap("usb-numpad")
    assert {code: key for code, key in learned.items() if code >= 256} == {
        code: key for code, key in shipped.items() if 256 <= code <= 271
    }
    assert learned[8] == "BACK" and learned[27] == "HOME"


def test_learning_a_numeric_keypad_gives_the_shipped_map(display, tmp_path):
    out = tmp_path / "keymap.toml"
    process = learner(display, out)
    press_a_numeric_keypad(display)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr[-2000:]
    assert "18 keys learned" in stdout
    # No volume, rate or search keys: held keys stand in for them (BACK and HOME have keys).
    holds = {"UP": "VOL_UP", "DOWN": "VOL_DOWN", "REPEAT": "RATE", "0": "SEARCH"}
    assert load_holds(str(out)) == holds
    assert out.stat().st_mode & 0o777 == 0o644  # readable by the kiosk user
    assert_numeric_keypad(load_keymap(str(out)))


def test_cancelling_writes_nothing(display, tmp_path):
    out = tmp_path / "keymap.toml"
    process = learner(display, out)
    xdotool(display, "key", "KP_7")
    tap(display, CANCEL_BUTTON)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 1 and "cancelled" in stdout
    assert not out.exists()


def test_provisioning_at_the_terminal_learns_the_keypad(display, tmp_path):
    """`kiosk provision` as typed by a technician, with a screen: the keypad is learned in
    the window it opens, and the learned map becomes the terminal's."""
    replies = ["MPP-3", "4", "MPP Bogor", "", "", "", "9", "kunci", "token", "", "",
               "",  # the region: the default, Kota Bandung
               "",  # no technician PIN
               "", "",  # sound output: the default, heard
               "", "y",  # microphone: the default, kept although silent
               "",  # learn the keypad now: yes
               ""]  # no receipt printer  # fmt: skip
    output: list[str] = []
    with virtual_sound() as sound:
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "provision", "--root", str(tmp_path / "root")],
            cwd=REPO_ROOT, env={**display, **sound}, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        process.stdin.write("\n".join(replies) + "\n")
        process.stdin.close()
        reader = threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")))
        reader.start()
        deadline = time.monotonic() + 90
        while not any("window open" in line for line in output):
            assert process.poll() is None and time.monotonic() < deadline, "".join(output)
            time.sleep(0.2)
        time.sleep(0.5)
        press_a_numeric_keypad(display)
        process.wait(timeout=60)
        reader.join()
    assert process.returncode == 0, process.stderr.read()[-2000:]
    etc = tmp_path / "root" / "etc" / "lapor-kiosk"
    config = load_config(etc / "kiosk.toml", env={})
    assert config.audio.keymap == str(etc / "keymap.toml")
    assert_numeric_keypad(load_keymap(config.audio.keymap))
