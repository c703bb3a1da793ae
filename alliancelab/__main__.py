"""``python -m alliancelab``: the command line."""

import sys

from alliancelab.cli import main

sys.exit(main())
