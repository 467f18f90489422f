"""``python -m rasa_ext.actions_server --actions actions --port N [--host H]``: the rasa_sdk
action server with FamilyVoice's logging (bot.logs), on loopback, for our Rasa only.

Stock rasa_sdk listens on every interface and runs any action for anyone who can reach it.
Here (bot/internal_auth.py):
- it listens on ``--host``, else FAMILYVOICE_INTERNAL_HOST, else 127.0.0.1; off loopback only
  with TLS or an explicit FAMILYVOICE_INTERNAL_PLAIN_HTTP=1;
- every request but ``GET /health`` (the balancer's check) must carry the action secret in
  ``X-FamilyVoice-Action-Secret``; anything else is answered 401 before an action runs;
- it does not start without the secret;
- an action that fails is answered with a plain 500: stock rasa_sdk echoes the whole request
  (her tracker, every word) in the answer, and Rasa writes that answer into its log.
The rest is stock rasa_sdk: the same app, routes and plug-ins.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

import structlog
from rasa_sdk import utils
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import internal_auth, logs
from bot.config import settings

log = structlog.get_logger(__name__)

OPEN_PATHS = frozenset({"/health"})
REFUSED = {"error": "This server answers only FamilyVoice's own Rasa servers."}


def require_secret(app: Sanic, secret: str) -> None:
    """Refuse every request without the action secret, before any action can run."""

    @app.middleware("request")
    async def authenticate(request: Request) -> Optional[HTTPResponse]:
        if request.method == "GET" and request.path in OPEN_PATHS:
            return None
        if internal_auth.is_authorised(
            request.headers.get(internal_auth.ACTION_SECRET_HEADER), secret
        ):
            return None
        log.warning("actions.refused", path=request.path, reason="no valid action secret")
        return response.json(REFUSED, status=401)


FAILED = {"error": "The action failed; see the action server's log."}


def answer_failures_plainly(app: Sanic) -> None:
    """Replace rasa_sdk's handler, which sends the request body back with the error."""

    @app.exception(Exception)
    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        error = type(exception).__name__
        log.error("actions.failed", path=request.path, error=error, exc_info=exception)
        return response.json(FAILED, status=500)


def argument_parser() -> argparse.ArgumentParser:
    parser = create_argument_parser()
    parser.add_argument(
        "--host",
        default=None,
        help=f"address to listen on (default: ${internal_auth.INTERNAL_HOST_ENV} or 127.0.0.1)",
    )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = argument_parser().parse_args(argv)
    logs.configure("actions")
    host = args.host or internal_auth.internal_host()
    try:
        internal_auth.check_listen_address(host, tls=bool(args.ssl_certificate))
        secret = internal_auth.load_action_secret(settings().keys_dir)
    except internal_auth.InternalAuthError as error:
        print(f"action server: {error}", file=sys.stderr)
        return 2
    app = create_app(args.actions, cors_origins=args.cors, auto_reload=args.auto_reload)
    require_secret(app, secret)
    answer_failures_plainly(app)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    log.info("actions.listening", host=host, port=args.port, tls=ssl_context is not None)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
