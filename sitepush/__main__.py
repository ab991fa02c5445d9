"""``python -m sitepush``."""

import sys

from sitepush.cli import main

sys.exit(main())
