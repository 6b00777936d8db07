"""The demo credentials: what the LAPOR! simulator accepts unless told otherwise.

They belong to the product, not to the simulator: the kiosk must recognise them to refuse
them against a production LAPOR! (`kiosk.deployment_checks`), and must not load the
simulator to do so. The simulator (`lapor_sim`) takes its defaults from here.
"""

DEFAULT_AUTH_KEY = "sim-dev-key"
DEFAULT_TOKEN = "00000000-0000-4000-8000-00000000sim0"
