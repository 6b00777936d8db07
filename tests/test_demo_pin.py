"""`kiosk demo` with a screen: the simulator's configuration, windowed, left with the demo PIN."""

import stat

from kiosk.demo import DEMO_PIN, windowed_with_pin
from kiosk.technician_pin import pin_problem, verify
from lapor_sim.config_writer import write_kiosk_config
from lapor_sim.options import SimulatorOptions


def test_the_demo_pin_is_hashed_in_a_file_only_its_owner_reads(tmp_path):
    path = tmp_path / "kiosk.toml"
    write_kiosk_config(path, "http://127.0.0.1:9", SimulatorOptions())  # as the demo's simulator
    config = windowed_with_pin(path)
    assert pin_problem(DEMO_PIN) is None  # the demo shows a PIN a terminal could have
    assert verify(DEMO_PIN, config.touch.technician_pin_hash)
    assert DEMO_PIN not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert config.touch.fullscreen is False
