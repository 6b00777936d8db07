"""Settings fit for the simulator but unsafe against the real LAPOR!, on the files the simulator's
`--write-config` writes, pointed at a production base URL."""

import logging
from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.deployment_checks import security_problems
from kiosk.wiring import open_api
from lapor_sim.config_writer import credentials_path, write_kiosk_config
from lapor_sim.options import SimulatorOptions

PRODUCTION = "https://lapor.invalid/lapor/3.0.0"  # never resolves (RFC 6761), fails at once
OWN_CREDENTIALS = 'auth_key = "kunci-kanal-42"\ntoken = "5f0c2c57-1111-4000-8000-0000000000aa"\n'


def simulator_files(tmp_path: Path) -> Path:
    """The configuration and credentials `kiosk lapor-sim --write-config` writes."""
    path = tmp_path / "kiosk.toml"
    write_kiosk_config(path, "http://127.0.0.1:9", SimulatorOptions())
    return path


def production_files(
    tmp_path: Path, verify_tls: bool = True, demo: bool = False, mode: int = 0o600
) -> Path:
    """The simulator's files moved to production, with what a test makes unsafe."""
    path = simulator_files(tmp_path)
    text = path.read_text().replace("http://127.0.0.1:9", PRODUCTION)
    path.write_text(text.replace("verify_tls = true", f"verify_tls = {str(verify_tls).lower()}"))
    if not demo:
        credentials_path(path).write_text(OWN_CREDENTIALS)
    credentials_path(path).chmod(mode)
    return path


def problems(path: Path) -> list[str]:
    return [str(problem) for problem in security_problems(load_config(path, env={}))]


def test_the_simulator_may_have_it_all(tmp_path):
    path = simulator_files(tmp_path)
    path.write_text(path.read_text().replace("verify_tls = true", "verify_tls = false"))
    credentials_path(path).chmod(0o644)
    assert problems(path) == []


def test_a_safe_production_terminal_has_none(tmp_path):
    assert problems(production_files(tmp_path)) == []


def test_https_to_this_machine_is_not_production(tmp_path):
    path = production_files(tmp_path, verify_tls=False, demo=True, mode=0o644)
    path.write_text(path.read_text().replace(PRODUCTION, "https://localhost:8443/lapor"))
    assert problems(path) == []


@pytest.mark.parametrize(
    ("unsafe", "expected"),
    [
        (
            {"verify_tls": False},
            f"[lapor] verify_tls = false with {PRODUCTION}: anyone on the way can pose as LAPOR!"
            " and read the credentials and every report: set verify_tls = true",
        ),
        (
            {"demo": True},
            f"the LAPOR! simulator's demo auth_key and token with {PRODUCTION}: put the channel's"
            " own key and token into {credentials} (`kiosk provision` writes it)",
        ),
        (
            {"mode": 0o644},
            "other users can read the credentials file {credentials} (mode 644):"
            " `chmod 600 {credentials}`",
        ),
        (
            {"mode": 0o640},
            "other users can read the credentials file {credentials} (mode 640):"
            " `chmod 600 {credentials}`",
        ),
    ],
    ids=["verify_tls", "demo_credentials", "world_readable", "group_readable"],
)
def test_each_unsafe_setting_with_a_production_url_is_named_with_its_fix(
    tmp_path, unsafe, expected
):
    path = production_files(tmp_path, **unsafe)
    [problem] = problems(path)
    assert problem.startswith(expected.format(credentials=credentials_path(path)))


def test_plain_http_to_production_is_refused_outright(tmp_path):
    path = production_files(tmp_path)
    path.write_text(path.read_text().replace(PRODUCTION, "http://lapor.invalid/lapor/3.0.0"))
    with pytest.raises(ConfigError, match="plain http only to this machine"):
        load_config(path, env={})


def test_the_first_api_client_of_a_process_logs_each_problem_once(tmp_path, caplog):
    config = load_config(production_files(tmp_path, verify_tls=False, demo=True), env={})
    with caplog.at_level(logging.WARNING, logger="kiosk.security"):
        for _ in range(3):  # a forwarder makes one client a worker
            open_api(config).close()
    logged = [record.getMessage() for record in caplog.records]
    assert len(logged) == 2
    assert logged[0].startswith("UNSAFE SETTING: [lapor] verify_tls = false")
    assert logged[1].startswith("UNSAFE SETTING: the LAPOR! simulator's demo auth_key and token")
    assert "sim-dev-key" not in " ".join(logged)  # the credentials themselves are never logged
