"""``python -m rasa_ext.actions_server --actions actions --port N``: the rasa_sdk action
server with FamilyVoice's logging (bot.logs) instead of rasa_sdk's coloured text logs.

Same arguments and behaviour as ``python -m rasa_sdk``; only the logging set-up differs.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

from rasa_sdk.endpoint import create_argument_parser, run

from bot import logs


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = create_argument_parser().parse_args(argv)
    logs.configure("actions")
    run(
        args.actions,
        args.port,
        args.cors,
        args.ssl_certificate,
        args.ssl_keyfile,
        args.ssl_password,
        args.auto_reload,
    )


if __name__ == "__main__":
    sys.exit(main())
