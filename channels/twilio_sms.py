"""The SMS channel: ``POST /webhooks/twilio_sms/webhook``, Twilio's form in, TwiML out.

Rasa's stock Twilio channel checks no signature, answers every retry anew and splits text
badly; this one checks each request before anything else happens (bot/sms_inbound.py) and
leaves every decision to bot/sms_flow.py. Registered in credentials.yml by module path;
settings come from the environment (``FAMILYVOICE_TWILIO_*``), then credentials.yml (see
README, "Connecting a Twilio number").

Twilio waits 15 s for an answer. A turn that takes longer than ``reply_deadline`` (10 s) is
answered with an empty TwiML at once, and its reply is sent through the REST API when ready.
A background sweeper seals reports left idle beyond ``idle_timeout`` and deletes sealed
photos from Twilio.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Awaitable, Callable, Mapping, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import sms
from bot.config import settings as app_settings
from bot.inbound import InputError
from bot.keys import load_intake_secret
from bot.sms_flow import Reply, SmsFlow
from bot.sms_inbound import (
    MAX_BODY_BYTES,
    STATUS_PATH,
    WEBHOOK_PATH,
    InboundSms,
    TwilioSettings,
    inbound_sms,
    message_status,
    parse_form,
    signature_is_valid,
    twiml,
)
from bot.sms_messages import FINAL_STATUSES
from bot.sms_state import SmsKeys, SmsState
from bot.store import Store
from bot.twilio_api import TwilioApi

logger = logging.getLogger(__name__)


class SmsOutput(CollectingOutputChannel):
    """Collects the bot's messages under the name ``twilio_sms``, so domain.yml's
    ``channel: twilio_sms`` response variations are the ones chosen."""

    @classmethod
    def name(cls) -> str:
        return "twilio_sms"


def _too_large() -> HTTPResponse:
    logger.warning("twilio_sms.rejected status=413 reason=too_large")
    return response.text("Request too large.", status=413)


class TwilioSmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "twilio_sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "TwilioSmsInput":
        return cls(TwilioSettings.load(credentials))

    def __init__(self, settings: TwilioSettings | None = None) -> None:
        self.settings = settings or TwilioSettings.load()
        self._flow: SmsFlow | None = None
        self._background: set[asyncio.Task] = set()
        if not self.settings.auth_token:
            logger.warning("twilio_sms.no_auth_token: every SMS webhook request will be refused (403)")
        if not self.settings.account_sid:
            logger.warning("twilio_sms.no_account_sid: photos cannot be fetched and late replies cannot be sent")

    def _build_flow(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SmsFlow:
        config = app_settings()
        store = Store(config.db_url)
        store.create_all()
        keys = SmsKeys(load_intake_secret(config.intake_secret_path))
        api = None
        if self.settings.account_sid and self.settings.auth_token:
            api = TwilioApi(
                self.settings.account_sid,
                self.settings.auth_token,
                api_base_url=self.settings.api_base_url,
                attempts=self.settings.retry_attempts,
                backoff=self.settings.retry_backoff,
            )

        async def converse(sender_id: str, text: str, metadata: Mapping[str, Any]) -> list[dict[str, Any]]:
            collector = SmsOutput()
            await on_new_message(
                UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=dict(metadata))
            )
            return collector.messages

        return SmsFlow(
            SmsState(store, keys),
            converse,
            api=api,
            idle_timeout=self.settings.idle_timeout,
            sender_retention=self.settings.sender_retention,
        )

    def _in_background(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)

    async def _send_late(self, turn: "asyncio.Future[Reply]", message: InboundSms) -> None:
        try:
            reply = await turn
        except Exception:  # noqa: BLE001 - the turn failed after we stopped waiting
            logger.exception("twilio_sms.late_turn_failed")
            return
        flow = self._flow
        if flow is None or flow.api is None:
            logger.warning("twilio_sms.late_reply_not_sent reason=no_account_sid")
            return
        turn_at = reply.turn_at or dt.datetime.now(dt.timezone.utc)
        callback = self.settings.status_url(turn_at)
        for text in reply.messages:
            sid = await flow.api.send_message(
                message.from_number, message.to_number, text, status_callback=callback
            )
            if sid is None:
                logger.warning("twilio_sms.late_reply_not_sent reason=twilio")
                return
            flow.state.track_outbound(sid, reply.sender_id, turn_at, final=False)
        await flow.delete_sealed(reply.sender_id)

    async def _sweep(self) -> None:
        # An idle report is sealed at most one interval after its timeout.
        interval = max(0.2, self.settings.sweep_interval)
        while True:
            await asyncio.sleep(interval)
            try:
                if self._flow is not None:
                    await self._flow.close_idle_reports()
            except Exception:  # noqa: BLE001 - the sweeper must outlive one bad round
                logger.exception("twilio_sms.sweep_failed")

    def _signed_form(self, request: Request, path: str) -> dict[str, str] | HTTPResponse:
        """The POST fields of a request Twilio signed for ``path``, or the answer refusing it.
        Order matters: size, the signature header, the form, then the signature itself."""
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return _too_large()
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature:
            logger.warning("twilio_sms.rejected status=403 reason=unsigned")
            return response.text("Missing X-Twilio-Signature.", status=403)
        try:
            form = parse_form(body)
        except InputError as error:
            logger.warning("twilio_sms.rejected status=%s reason=bad_form", error.status)
            return response.text(error.reason, status=error.status)
        if not signature_is_valid(self.settings, request.query_string, form, signature, path):
            logger.warning("twilio_sms.rejected status=403 reason=bad_signature")
            return response.text("Invalid X-Twilio-Signature.", status=403)
        return form

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("familyvoice_twilio_sms", __name__)

        @webhook.listener("after_server_start")
        async def start_sweeper(*_: Any) -> None:
            try:
                self._flow = self._flow or self._build_flow(on_new_message)
            except Exception:  # noqa: BLE001 - e.g. no intake secret yet; each request tries again
                logger.exception("twilio_sms.not_ready")
            self._in_background(self._sweep())

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.exception(PayloadTooLarge)
        def too_large(_: Request, __: Exception) -> HTTPResponse:
            return _too_large()  # from the Content-Length, unread (rasa_ext/serve.py)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form = self._signed_form(request, WEBHOOK_PATH)
            if isinstance(form, HTTPResponse):
                return form
            try:
                message = inbound_sms(form)
            except InputError as error:
                logger.warning("twilio_sms.rejected status=%s reason=bad_fields", error.status)
                return response.text(error.reason, status=error.status)

            try:
                if self._flow is None:
                    self._flow = self._build_flow(on_new_message)
                turn = asyncio.ensure_future(self._flow.handle(message))
                reply = await asyncio.wait_for(asyncio.shield(turn), self.settings.reply_deadline)
            except asyncio.TimeoutError:
                logger.warning("twilio_sms.slow_turn deadline=%.1f: replying by REST", self.settings.reply_deadline)
                self._in_background(self._send_late(turn, message))
                return response.text(twiml([]), content_type="application/xml")
            except Exception:  # noqa: BLE001 - Twilio must get an answer, never a 500
                logger.exception("twilio_sms.turn_failed")
                return response.text(twiml([sms.TRY_AGAIN_TEXT]), content_type="application/xml")
            if self._flow.api is not None:
                self._in_background(self._flow.delete_sealed(reply.sender_id))
            callback = self.settings.status_url(reply.turn_at) if reply.turn_at else None
            return response.text(twiml(reply.messages, callback), content_type="application/xml")

        @webhook.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            """Twilio's report on a message we sent: its SID, so its copy can be deleted."""
            form = self._signed_form(request, STATUS_PATH)
            if isinstance(form, HTTPResponse):
                return form
            try:
                query = {name: request.args.get(name) for name in request.args}
                reported = message_status(form, query, FINAL_STATUSES)
            except InputError as error:
                return response.text(error.reason, status=error.status)
            try:
                self._flow = self._flow or self._build_flow(on_new_message)
                sender_id = self._flow.state.keys.sender_id(reported.to_number)
                self._flow.state.track_outbound(
                    reported.message_sid, sender_id, reported.turn_at, reported.final
                )
            except Exception:  # noqa: BLE001 - Twilio calls again with the next status
                logger.exception("twilio_sms.status_failed")
                return response.text("Try again.", status=503)
            if reported.final and self._flow.api is not None:
                self._in_background(self._flow.delete_sealed(sender_id))
            return response.empty()

        return webhook
