"""The technician PIN: a salted slow hash, tries counted in a real file with a test's own clock,
and the overlay on a real touch screen (Xvfb)."""

import base64
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from repo_paths import REPO_ROOT

from kiosk.pin_hash import PinError, parse_hash
from kiosk.pin_lockout import (
    FIRST_WAIT_S,
    FREE_TRIES,
    LONGEST_WAIT_S,
    STATE_FILE,
    PinLockout,
    Verdict,
    unlock,
    verdict_text,
    wait_after,
)
from kiosk.technician_pin import SCRYPT_N, SCRYPT_P, SCRYPT_R, hash_pin, pin_problem, verify
from kiosk.touch.display import PANEL_SIZE, virtual_display
from kiosk.touch.theme import MIN_TARGET_MM

RIGHT, WRONG = "246810", "135790"


@pytest.fixture(scope="module")
def stored() -> str:
    return hash_pin(RIGHT)  # a tenth of a second: once for the module


class Clock:
    """The wall clock the lock-out reads, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_hash_is_salted_self_describing_and_checks_the_pin(stored):
    method, n, r, p, salt, key = stored.split("$")
    assert (method, int(n), int(r), int(p)) == ("scrypt", SCRYPT_N, SCRYPT_R, SCRYPT_P)
    assert (len(base64.b64decode(salt)), len(base64.b64decode(key))) == (16, 32)
    assert parse_hash(stored).salt != parse_hash(hash_pin(RIGHT)).salt  # a fresh salt each time
    assert verify(RIGHT, stored)
    assert not verify(WRONG, stored)
    assert not verify("24681", stored) and not verify("", stored) and not verify("abc", stored)


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("12345", "6 to 12 digits"),
        ("1234567890123", "6 to 12 digits"),
        ("24681a", "6 to 12 digits"),
        ("２４６８１０", "6 to 12 digits"),  # full-width digits are not on the overlay's pad
        ("777777", "one digit repeated"),
        ("123456", "a run like 123456"),
        ("543210", "a run like 123456"),
    ],
)
def test_pins_that_are_too_short_or_guessed_first_are_refused(pin, problem):
    assert problem in pin_problem(pin)
    with pytest.raises(PinError, match=problem):
        hash_pin(pin)


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        ("2d9d8a3c0a1b...", "is not scrypt$N$r$p$SALT$KEY"),
        ("scrypt$32768$8$1$c2FsdHNhbHQ=$not base64!", "not a number or base64"),
        ("scrypt$1000$8$1$c2FsdHNhbHQ=$" + "A" * 44, "power of two"),
        ("scrypt$1048576$32$1$c2FsdHNhbHQ=$" + "A" * 44, "asks for over 256 MiB"),
        ("scrypt$32768$8$1$c2FsdA==$" + "A" * 44, "salt or key too short"),
    ],
)
def test_a_stored_hash_that_cannot_be_used_is_refused_before_any_work(stored, problem):
    with pytest.raises(PinError, match=problem.replace("$", r"\$")) as error:
        verify(RIGHT, stored)
    assert "kiosk pin set" in str(error.value)


def test_waits_grow_after_the_free_tries_up_to_a_day():
    waits = [wait_after(failures) for failures in range(1, 20)]
    assert waits[:FREE_TRIES] == [0.0] * FREE_TRIES
    assert waits[FREE_TRIES] == FIRST_WAIT_S
    assert all(later == min(2 * earlier, LONGEST_WAIT_S) for earlier, later in zip(
        waits[FREE_TRIES:], waits[FREE_TRIES + 1:], strict=False))  # fmt: skip
    assert waits[-1] == LONGEST_WAIT_S == 86400
    assert wait_after(10**9) == LONGEST_WAIT_S  # no overflow however many tries


def test_wrong_tries_make_the_next_wait_and_survive_a_restart(tmp_path, stored):
    clock = Clock()
    lockout = PinLockout(tmp_path, clock)
    for _ in range(FREE_TRIES):
        assert lockout.try_pin(WRONG, stored) == Verdict(False, "wrong", 0.0)
    assert lockout.try_pin(WRONG, stored) == Verdict(False, "wrong", FIRST_WAIT_S)
    state = tmp_path / STATE_FILE
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert json.loads(state.read_text()) == {"failures": FREE_TRIES + 1, "last_at": clock.now}

    restarted = PinLockout(tmp_path, clock)  # the kiosk started again: the wait is still on
    clock.now += FIRST_WAIT_S - 1
    assert restarted.wait_s() == 1.0
    assert restarted.try_pin(RIGHT, stored) == Verdict(False, "locked", 1.0)  # not even checked
    clock.now += 1
    assert restarted.try_pin(WRONG, stored) == Verdict(False, "wrong", 2 * FIRST_WAIT_S)
    clock.now += 2 * FIRST_WAIT_S
    assert restarted.try_pin(RIGHT, stored) == Verdict(True, "accepted")
    assert not state.exists()  # the right PIN forgives every wrong try
    assert restarted.try_pin(WRONG, stored) == Verdict(False, "wrong", 0.0)


def test_a_clock_set_back_never_makes_the_wait_longer(tmp_path, stored):
    clock = Clock()
    lockout = PinLockout(tmp_path, clock)
    for _ in range(FREE_TRIES + 1):
        lockout.try_pin(WRONG, stored)
    clock.now -= 365 * 86400
    assert lockout.wait_s() == FIRST_WAIT_S


def test_a_try_killed_while_it_is_checked_still_counts(tmp_path):
    """Counted before the PIN is checked: killing the kiosk mid-check earns no free try."""
    lockout = PinLockout(tmp_path)
    state = tmp_path / STATE_FILE
    state.write_text(json.dumps({"failures": FREE_TRIES, "last_at": 0.0}))
    salt, key = (base64.b64encode(os.urandom(size)).decode() for size in (16, 32))
    slow = f"scrypt$32768$8$16${salt}${key}"  # a check of about 1.5 s, to be killed in
    checking = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path;"
         " from kiosk.pin_lockout import PinLockout;"
         " PinLockout(Path(sys.argv[1])).try_pin(sys.argv[2], sys.argv[3])",
         str(tmp_path), RIGHT, slow],
        cwd=REPO_ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while json.loads(state.read_text())["failures"] == FREE_TRIES:
            assert time.monotonic() < deadline and checking.poll() is None
            time.sleep(0.01)
    finally:
        checking.kill()
        checking.wait()
    assert checking.returncode == -signal.SIGKILL  # killed while checking, not finished
    assert lockout.attempts().failures == FREE_TRIES + 1
    assert 0 < lockout.wait_s() <= FIRST_WAIT_S


def test_a_damaged_record_imposes_a_wait(tmp_path):
    clock = Clock()
    state = tmp_path / STATE_FILE
    state.write_text('{"failures": ')  # no atomic write leaves this, but a failing disk may
    os.utime(state, (clock.now, clock.now))
    assert PinLockout(tmp_path, clock).wait_s() == FIRST_WAIT_S


def test_a_try_that_cannot_be_counted_is_not_checked(tmp_path, stored):
    missing = tmp_path / "gone"  # nothing can be written into a data directory that is gone
    verdict = PinLockout(missing, Clock()).try_pin(RIGHT, stored)
    assert verdict == Verdict(False, "unrecorded")
    assert verdict_text(verdict, "id").startswith("PIN tidak dapat diperiksa")


def test_a_technician_lifts_the_lock(tmp_path, stored):
    clock = Clock()
    lockout = PinLockout(tmp_path, clock)
    assert unlock(tmp_path) == "no wrong technician PIN tries were counted"
    for _ in range(FREE_TRIES + 1):
        lockout.try_pin(WRONG, stored)
    assert unlock(tmp_path) == "4 wrong technician PIN tries forgotten, the next try was 30 s away"
    assert lockout.wait_s() == 0
    assert lockout.try_pin(RIGHT, stored).accepted


def test_the_overlay_says_why_in_indonesian_first():
    assert verdict_text(Verdict(False, "wrong"), "id") == "PIN salah"
    seconds = verdict_text(Verdict(False, "wrong", 30.0), "id")
    assert seconds.startswith("PIN salah terlalu sering. Coba lagi dalam 30 detik.")
    assert "kiosk pin unlock" in seconds
    minutes = verdict_text(Verdict(False, "locked", 3601.0), "id")
    assert "Coba lagi dalam 61 menit." in minutes
    assert "Try again in 61 minutes." in verdict_text(Verdict(False, "locked", 3601.0), "en")


def _pin_scenario(name: str, config: Path, tmp_path: Path, size=PANEL_SIZE, **env) -> dict:
    """Run a scenario of tests/technician_pin_scenario.py on a screen of `size`."""
    result = tmp_path / "seen.json"
    with virtual_display(size) as display:
        environment = {**os.environ, "DISPLAY": display, "KIVY_HOME": str(tmp_path / "kivy"),
                       **env}  # fmt: skip
        environment.pop("SDL_VIDEODRIVER", None)
        completed = subprocess.run(
            [sys.executable, "tests/technician_pin_scenario.py", name,
             "--config", str(config), "--shots", str(REPO_ROOT / "artifacts" / "screens"),
             "--result", str(result)],
            cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
    seen = json.loads(result.read_text()) if result.exists() else {}
    assert completed.returncode == 0, f"{seen.get('failure')}\n{completed.stderr[-3000:]}"
    return seen


def _pin_config(tmp_path: Path, stored: str, touch: str = "") -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[data]\ndir = "data"\n\n[touch]\ntechnician_pin_hash = "{stored}"\n{touch}')
    config.chmod(0o600)
    return config


def test_only_the_technician_pin_leaves_kiosk_mode_and_wrong_ones_make_it_wait(tmp_path, stored):
    seen = _pin_scenario("technician_pin", _pin_config(tmp_path, stored), tmp_path)
    assert seen["closing_refused"] is True  # the window manager's close is refused
    assert seen["wrong"][:FREE_TRIES] == ["PIN salah"] * FREE_TRIES
    wait = "PIN salah terlalu sering. Coba lagi dalam 30 detik."
    assert seen["wrong"][FREE_TRIES].startswith(wait)
    # Seconds pass between the tries on a loaded machine: 30 or a little less.
    assert re.match(r"PIN salah terlalu sering\. Coba lagi dalam [12]?\d detik\.|" + wait,
                    seen["right_while_waiting"])  # fmt: skip
    assert seen["reopened"].startswith("PIN salah terlalu sering. Coba lagi dalam")
    assert seen["stopping"] is True  # the right PIN, once unlocked, stopped the app at once
    assert not (tmp_path / "data" / STATE_FILE).exists()


@pytest.mark.parametrize(("size", "pixels_per_mm"), [((800, 480), 5.2), ((1920, 1080), 5.65)],
                         ids=["800x480", "1920x1080"])  # fmt: skip
def test_the_pin_overlay_has_fingertip_keys_on_a_short_panel_and_a_large_one(
    tmp_path, stored, size, pixels_per_mm
):
    """The overlay's keys are the filing screens' numeric pad: at least 9 mm on every panel;
    nothing in it cut or overlapping, also with a wrong PIN's message."""
    config = _pin_config(tmp_path, stored, f"pixels_per_mm = {pixels_per_mm}\n")
    window = "x".join(map(str, size))
    seen = _pin_scenario("technician_pin_sizes", config, tmp_path, size, KIOSK_TEST_WINDOW=window)
    assert seen["problems"] == {"open": [], "wrong": []}
    assert seen["message"] == "PIN salah"
    digits = {f"key:{digit}" for digit in "0123456789"}
    assert set(seen["keys"]) == digits | {"key:backspace", "key:clear", "pin:ok", "pin:cancel"}
    assert seen["smallest_key"] >= MIN_TARGET_MM * pixels_per_mm - 0.5
