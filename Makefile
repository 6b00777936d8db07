# `make demo` and `make test` do all set-up on a fresh Debian or Raspberry Pi OS machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := python3 python3-venv python3-pip ca-certificates \
	xvfb libgl1 libgl1-mesa-dri libegl1 libmtdev1 \
	espeak-ng libespeak-ng1 libportaudio2 libsndfile1 \
	pulseaudio pulseaudio-utils libasound2-plugins alsa-utils xdotool \
	faketime sqlite3 zbar-tools x11-xserver-utils

.PHONY: demo test check lint format system-packages bench clean arm64-check

system-packages:
	@scripts/ensure-system-packages $(SYSTEM_PACKAGES)

$(VENV)/.installed: setup.py pyproject.toml tools/lapor-sim/pyproject.toml Makefile
	@$(MAKE) --no-print-directory system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' -e tools/lapor-sim
	touch $@

demo: $(VENV)/.installed
	$(BIN)/kiosk demo

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check-import-cycles

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest -q

# The fast unit tests only (no display, sound or speech model): under a minute.
check: lint
	$(BIN)/python -m pytest -q -m unit

# The kiosk installed by hardware/install.sh into an emulated arm64 Debian 12 root, then its
# version, selftest and `make check` there (root; slow: not part of `make test`).
arm64-check:
	scripts/arm64-check

bench: $(VENV)/.installed
	$(BIN)/kiosk bench queue

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache artifacts
