"""``python -m cdktf_devkit COMMAND``: the commands behind the Makefile (see ``cli``)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
