"""``python -m docksense``: the same as the ``docksense`` command."""

import sys

from .cli import main

sys.exit(main())
