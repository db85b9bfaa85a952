"""``python -m unionfed``."""

import sys

from unionfed.cli import main

sys.exit(main())
