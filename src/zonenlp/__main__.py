"""``python -m zonenlp``: the same as the ``zonenlp`` command."""

import sys

from .cli import main

sys.exit(main())
