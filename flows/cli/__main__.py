"""``python -m flows.cli``: the presswash command line."""

import sys

from flows.cli import main

sys.exit(main())
