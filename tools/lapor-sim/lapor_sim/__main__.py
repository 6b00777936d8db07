"""`python -m lapor_sim`: the same as `kiosk lapor-sim`."""

import sys

from lapor_sim.cli import main

sys.exit(main())
