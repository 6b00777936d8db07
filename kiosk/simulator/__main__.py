"""`python -m kiosk.simulator`: the same as `kiosk lapor-sim`."""

import sys

from kiosk.simulator.cli import main

sys.exit(main())
