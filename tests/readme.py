"""Reading README.md's command blocks, for the tests that run what it shows."""

from __future__ import annotations

import re
import shlex


def shell_commands(markdown: str) -> list[str]:
    """Every command line of the ``sh`` blocks in ``markdown``, comment dropped, shlex-normalised."""
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", markdown, flags=re.M | re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(shlex.join(words))
    return commands
