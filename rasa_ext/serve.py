"""``python -m rasa_ext.serve run ...``: Rasa's own command line, with FamilyVoice's logging.

Rasa configures its loggers (coloured text to stdout, structlog events as JSON) just before
it runs a command. We let it, then replace that set-up with bot.logs: JSON lines at INFO at
least, with every text-bearing field redacted, so Rasa's own loggers obey the same rules as
ours. Everything else is stock ``rasa`` (plus rasa_ext/speedups.py: the same checks, done once;
rasa_ext/selective_history.py: actions listed in the endpoint get only the current turn;
rasa_ext/debug_copies.py: no deep copies for debug lines that are never written).
"""

from __future__ import annotations

import sys
from typing import Optional

import rasa.__main__ as rasa_main

from bot import logs
from rasa_ext import debug_copies, selective_history, speedups


def main() -> None:
    configure_rasa_structlog = rasa_main.configure_structlog

    def configure_structlog(log_level: Optional[int] = None) -> None:
        configure_rasa_structlog(log_level)
        logs.configure("rasa")

    # rasa.__main__.main calls this by its module-level name, last, right before the command.
    rasa_main.configure_structlog = configure_structlog
    speedups.install()
    selective_history.install()
    debug_copies.install()
    rasa_main.main()


if __name__ == "__main__":
    sys.exit(main())
