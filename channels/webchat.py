"""The web chat channel: ``POST /webhooks/webchat/webhook``, Rasa REST shape in and out.

Rasa's stock REST channel passes anything to the dialogue and logs the message text when a
turn fails; this one checks the request first (bot.inbound) and logs only the outcome.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.inbound import InputError, parse_webchat_body

logger = logging.getLogger(__name__)


class WebChatInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("familyvoice_webchat", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                message = parse_webchat_body(request.body or b"")
            except InputError as error:
                logger.info("webchat.rejected status=%s", error.status)
                return response.json({"error": error.reason}, status=error.status)

            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        message.text,
                        collector,
                        # Namespaced so a web chat id can never meet an SMS conversation.
                        f"webchat-{message.sender}",
                        input_channel=self.name(),
                    )
                )
            except Exception:  # noqa: BLE001 - the reporter must get an answer, never a 500
                logger.exception("webchat.turn_failed")
                return response.json(
                    {
                        "error": "Sorry, something went wrong on our side. Your message was received; "
                        "please try again in a moment. If a child is in danger right now, call 999."
                    },
                    status=503,
                )
            return response.json(collector.messages)

        return webhook
