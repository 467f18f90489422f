"""``python -m rasa_ext.serve run ...``: Rasa's own command line, with FamilyVoice's logging.

Rasa configures its loggers (coloured text to stdout, structlog events as JSON) just before
it runs a command. We let it, then replace that set-up with bot.logs: JSON lines at INFO at
least, with every text-bearing field redacted, so Rasa's own loggers obey the same rules as
ours. Everything else is stock ``rasa`` (plus rasa_ext/speedups.py: the same checks, done once;
rasa_ext/selective_history.py: actions listed in the endpoint get only the current turn;
rasa_ext/debug_copies.py: no deep copies for debug lines that are never written), and two
limits set where Rasa builds its Sanic app:
- the action secret is put where endpoints.yml's ``${FAMILYVOICE_ACTION_SECRET}`` finds it, so
  every call to the action server carries it (bot/internal_auth.py);
- a request body larger than any webhook of ours accepts is refused from its Content-Length,
  before it is read (Sanic's own limit is 100 MB); the channels answer that 413 as they answer
  any message that is too long.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

import rasa.__main__ as rasa_main
import rasa.core.run
from sanic import Sanic

from bot import inbound, internal_auth, logs
from bot.config import settings
from rasa_ext import debug_copies, selective_history, speedups

# The largest body any route of ours reads: a web chat message or a Twilio webhook.
REQUEST_MAX_SIZE = inbound.MAX_BODY_BYTES


def limit_request_size(app: Sanic) -> Sanic:
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_SIZE
    return app


def install_request_limit() -> None:
    configure_rasa_app = rasa.core.run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Sanic:
        return limit_request_size(configure_rasa_app(*args, **kwargs))

    # serve_application calls it by its module-level name.
    rasa.core.run.configure_app = configure_app


def main() -> None:
    configure_rasa_structlog = rasa_main.configure_structlog

    def configure_structlog(log_level: Optional[int] = None) -> None:
        configure_rasa_structlog(log_level)
        logs.configure("rasa")

    # rasa.__main__.main calls this by its module-level name, last, right before the command.
    rasa_main.configure_structlog = configure_structlog
    internal_auth.export_action_secret(settings().keys_dir)
    install_request_limit()
    speedups.install()
    selective_history.install()
    debug_copies.install()
    rasa_main.main()


if __name__ == "__main__":
    sys.exit(main())
