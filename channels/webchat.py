"""The web chat channel: ``POST /webhooks/webchat/webhook``, Rasa REST shape in and out.

Rasa's stock REST channel passes anything to the dialogue and logs the message text when a
turn fails; this one checks the request first (bot.inbound) and logs only the outcome.

It also serves the embeddable widget (``widget.js``, ``widget.css``), a demo council page
(``/webhooks/webchat/demo``), a short "cover your tracks" page, and ``resume``, which gives a
reloaded page the question she was last asked so that nothing but a random id needs to be kept
in the browser. Browsers may call the webhook only from the configured council origins.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Iterable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.inbound import REMOVED_KEY, TOO_LONG, InputError, parse_webchat_body
from channels.webchat_origins import OriginPolicy
from channels.webchat_pages import ASSETS, asset_response, page_response, safe_exit_url

logger = logging.getLogger(__name__)

# Replies hold what she told us: no browser or proxy may keep a copy.
NO_STORE = {"Cache-Control": "no-store"}
FOREIGN_ORIGIN = {"error": "This page is not allowed to use the FamilyVoice chat."}


def _conversation_id(sender: str) -> str:
    # Namespaced so a web chat id can never meet an SMS conversation.
    return f"webchat-{sender}"


def last_bot_turn(events: Iterable[Any], recipient_id: str) -> list[dict[str, Any]]:
    """The bot's messages since her last message, in the webhook's reply shape."""
    turn: list[dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            turn = []
        elif isinstance(event, BotUttered) and event.text:
            message: dict[str, Any] = {"recipient_id": recipient_id, "text": event.text}
            buttons = (event.data or {}).get("buttons")
            if buttons:
                message["buttons"] = buttons
            turn.append(message)
    return turn


TURN_FAILED = {
    "error": "Sorry, something went wrong on our side. Your message was kept; please send it "
    "again in a moment. If a child is in danger right now, call 999."
}


class WebChatInput(InputChannel):
    def __init__(self, origins: Optional[OriginPolicy] = None) -> None:
        self.origins = origins or OriginPolicy.from_config()

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "WebChatInput":
        configured = (credentials or {}).get("allowed_origins")
        return cls(OriginPolicy.from_config(configured))

    def _foreign(self, request: Request) -> bool:
        if self.origins.permits(request.headers.get("origin"), request.headers.get("host")):
            return False
        logger.info("webchat.foreign_origin_refused")
        return True

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("familyvoice_webchat", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST", "OPTIONS"])
        async def receive(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":  # preflight; CORS headers are added below
                return response.empty()
            if self._foreign(request):
                return response.json(FOREIGN_ORIGIN, status=403, headers=NO_STORE)
            try:
                message = parse_webchat_body(request.body or b"")
            except InputError as error:
                logger.info("webchat.rejected status=%s", error.status)
                return response.json({"error": error.reason}, status=error.status, headers=NO_STORE)

            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        message.text,
                        collector,
                        _conversation_id(message.sender),
                        input_channel=self.name(),
                        metadata={REMOVED_KEY: message.removed} if message.removed else None,
                    )
                )
            except Exception:  # noqa: BLE001 - the reporter must get an answer, never a 500
                logger.exception("webchat.turn_failed")
                return response.json(TURN_FAILED, status=503, headers=NO_STORE)
            if not collector.messages:
                # Every turn of ours says something; silence means a part behind Rasa failed
                # (Rasa logs it and carries on). Say so, so she sends it again, not waits.
                logger.warning("webchat.turn_unanswered")
                return response.json(TURN_FAILED, status=503, headers=NO_STORE)
            return response.json(collector.messages, headers=NO_STORE)

        @webhook.exception(PayloadTooLarge)
        async def too_large(request: Request, _: Exception) -> HTTPResponse:
            # Refused by the server from its Content-Length, unread (rasa_ext/serve.py): the
            # same answer as a message that is too long, so the widget keeps what she typed.
            logger.info("webchat.rejected status=413")
            return response.json({"error": TOO_LONG}, status=413, headers=NO_STORE)

        @webhook.route("/resume", methods=["POST", "OPTIONS"])
        async def resume(request: Request) -> HTTPResponse:
            """After a reload: the question she was last asked (or [] for a new chat)."""
            if request.method == "OPTIONS":
                return response.empty()
            if self._foreign(request):
                return response.json(FOREIGN_ORIGIN, status=403, headers=NO_STORE)
            try:
                # Same checks as a message; the text is not used.
                sender = parse_webchat_body(request.body or b"").sender
            except InputError as error:
                return response.json({"error": error.reason}, status=error.status, headers=NO_STORE)
            agent = getattr(request.app.ctx, "agent", None)
            tracker = None
            if agent is not None and agent.tracker_store is not None:
                tracker = await agent.tracker_store.retrieve(_conversation_id(sender))
            messages = last_bot_turn(tracker.events, tracker.sender_id) if tracker else []
            return response.json(messages, headers=NO_STORE)

        @webhook.middleware("response")
        async def cors(request: Request, reply: HTTPResponse) -> None:
            # Rasa's own CORS layer (sanic-cors, no origins unless `rasa run --cors`) answers
            # preflights before the route runs; this adds our allow-list to what it sent.
            if reply is None or not request.path.endswith(("/webhook", "/resume")):
                return
            for header, value in self.origins.cors_headers(
                request.headers.get("origin"), preflight=request.method == "OPTIONS"
            ).items():
                reply.headers[header] = value

        for asset_name in ASSETS:
            webhook.add_route(
                lambda request, _name=asset_name: asset_response(request, _name),
                f"/{asset_name}",
                methods=["GET"],
                name=f"asset_{asset_name.replace('.', '_')}",
            )

        @webhook.route("/demo", methods=["GET"])
        async def demo(_: Request) -> HTTPResponse:
            return page_response("demo.html")

        @webhook.route("/cover-your-tracks", methods=["GET"])
        async def cover_your_tracks(request: Request) -> HTTPResponse:
            exit_url = safe_exit_url(request.args.get("exit"), self.origins.allowed)
            return page_response("cover-your-tracks.html", exit_url)

        return webhook
