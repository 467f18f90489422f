"""What one signed SMS does: keywords, retries, idle reports, photos, then the conversation.

Rasa-free: the channel passes ``converse`` (send a message into the dialogue, get the bot's
messages back). Closing a report (STOP, RESTART, idle) is the intent message ``/restart``;
the action server's ``action_restart`` seals what she said so far as an incomplete referral
before the conversation is reset, so nothing she said is lost.

Nothing here logs a phone number or message text: a conversation appears in logs only as its
tag (bot/logs.py), as in every other process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import weakref
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Optional

from bot import logs, sms
from bot.inbound import REMOVED_KEY, without_commands
from bot.sms_inbound import MAX_TEXT_CHARS, InboundSms
from bot.sms_state import Sender, SmsState
from bot.twilio_api import MediaRefused, MediaUnavailable, TwilioApi, photo_urls

logger = logging.getLogger(__name__)

Converse = Callable[[str, str, Mapping[str, Any]], Awaitable[list[dict[str, Any]]]]

CLOSE_INTENT = "/restart"
CLOSE_KEY = "familyvoice_close"  # metadata: why the report is closed; custom message: "done"


@dataclass(frozen=True)
class Reply:
    messages: list[str]
    sender_id: str
    replayed: bool = False
    turn_at: Optional[dt.datetime] = None  # when the turn began: its messages go with it


def _short(sender_id: str) -> str:
    return logs.conversation_tag(sender_id)


class SmsFlow:

    def __init__(
        self,
        state: SmsState,
        converse: Converse,
        *,
        api: Optional[TwilioApi] = None,
        idle_timeout: float = 24 * 3600.0,
        sender_retention: float = 7 * 24 * 3600.0,
    ) -> None:
        self.state = state
        self.sender_retention = dt.timedelta(seconds=sender_retention)
        self.converse = converse
        self.api = api
        self.idle_timeout = dt.timedelta(seconds=idle_timeout)
        self._deleting = asyncio.Lock()
        # One sender's webhooks one at a time. Rasa orders the dialogue turns, but the sender's
        # state (the numbered options she may answer with, her last question) is read before
        # the turn and written after it: two quick messages would each read the old state and
        # the later write would undo the earlier one, so "2" could pick from stale options.
        # HAProxy sends a sender to one worker, so a lock in the worker covers it.
        self._senders: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _one_at_a_time(self, sender_id: str) -> asyncio.Lock:
        lock = self._senders.get(sender_id)
        if lock is None:
            lock = self._senders[sender_id] = asyncio.Lock()
        return lock

    async def handle(self, message: InboundSms, now: dt.datetime | None = None) -> Reply:
        """The SMS messages to answer with. A repeated MessageSid gets the first answer again."""
        sender_id = self.state.keys.sender_id(message.from_number)
        async with self._one_at_a_time(sender_id):
            return await self._handle(message, sender_id, now)

    async def _handle(self, message: InboundSms, sender_id: str, now: dt.datetime | None) -> Reply:
        earlier = self.state.earlier_reply(message.message_sid)
        if earlier is not None:
            logger.info("sms.replayed conversation=%s", _short(sender_id))
            return Reply(earlier[0], sender_id, replayed=True, turn_at=earlier[1])
        # If the turn fails nothing is kept of it here, so Twilio's retry (or her resend) is
        # answered afresh.
        turn_at = now or dt.datetime.now(dt.timezone.utc)
        messages, sender = await self._turn(message, sender_id, turn_at)
        theirs = self.state.finish(
            message.message_sid, sender_id, messages, sender, turn_at=turn_at
        )
        if theirs is not None:
            logger.info("sms.answered_elsewhere conversation=%s", _short(sender_id))
            return Reply(theirs, sender_id, replayed=True, turn_at=turn_at)
        return Reply(messages, sender_id, turn_at=turn_at)

    async def close_report(self, sender_id: str, reason: str) -> bool:
        """Seal what was said so far as incomplete and reset the conversation; False if sealing failed."""
        try:
            replies = await self.converse(sender_id, CLOSE_INTENT, {CLOSE_KEY: reason})
        except Exception:  # noqa: BLE001 - e.g. the action server is down: stay open, try later
            logger.exception("sms.close_failed conversation=%s reason=%s", _short(sender_id), reason)
            return False
        # Only the action's own "done" counts: if the action server was unreachable, Rasa
        # carries on without it, and the report must stay open for the sweeper to try again.
        closed = any((r.get("custom") or {}).get(CLOSE_KEY) == "done" for r in replies)
        logger.info("sms.report_closed conversation=%s reason=%s closed=%s", _short(sender_id), reason, closed)
        if closed:
            self.state.mark_closed(sender_id)
        return closed

    async def _turn(self, message: InboundSms, sender_id: str, now: dt.datetime) -> tuple[list[str], Sender]:
        """The replies, and the sender's state for ``handle`` to keep with them."""
        sender = self.state.sender(sender_id)
        photos = photo_urls(message.form)
        keyword = sms.keyword_of(message.text, opted_out=sender.opted_out) if not photos else None
        idle = sender.last_seen is not None and now - sender.last_seen > self.idle_timeout
        sender.last_seen = now

        if keyword is sms.Keyword.STOP:
            logger.info("sms.opted_out conversation=%s", _short(sender_id))
            sender.opted_out = True
            await self._close(sender, "stop")
            return [], sender
        if keyword is sms.Keyword.START:
            sender.opted_out = False
            return [sms.STARTED_AGAIN_TEXT], sender
        if keyword is sms.Keyword.HELP:
            return ([] if sender.opted_out else [sms.HELP_TEXT]), sender
        if keyword is sms.Keyword.RESTART:
            await self._close(sender, "restart")
            if sender.opted_out:
                return [], sender
            return ([sms.TRY_AGAIN_TEXT] if sender.report_open else [sms.RESTARTED_TEXT]), sender
        if idle and sender.report_open:
            await self._close(sender, "idle")

        notes = await self._keep_photos(message, sender_id, photos)
        text = without_commands(message.text)  # a leading slash would be read as an intent
        if len(text) > MAX_TEXT_CHARS:
            replies = [sms.TOO_LONG_TEXT, *sender.last_reply]
        elif not text and not photos:
            replies = [sms.EMPTY_TEXT, *sender.last_reply]
        elif not text:
            replies = notes + (sender.last_reply if sender.report_open else [sms.TELL_ME_TEXT])
            # A photo alone still opens a report, so an idle close seals it if no words follow.
            sender.report_open = True
        else:
            metadata = {REMOVED_KEY: message.removed} if message.removed else {}
            replies = notes + await self._converse(sender, text, metadata)
        # After STOP she gets nothing, but what she writes is still kept for the team.
        return ([] if sender.opted_out else replies), sender

    async def _close(self, sender: Sender, reason: str) -> None:
        if sender.report_open and await self.close_report(sender.sender_id, reason):
            sender.report_open = False
        if not sender.report_open:
            sender.options, sender.last_reply = [], []
        self.state.save_sender(sender)

    async def _converse(self, sender: Sender, text: str, metadata: Mapping[str, Any]) -> list[str]:
        options = [sms.Option(o["title"], o["payload"]) for o in sender.options]
        chosen = sms.match_option(text, options)
        bot_messages = await self.converse(
            sender.sender_id, chosen.payload if chosen else text, metadata
        )
        sender.report_open = True
        replies: list[str] = []
        offered: list[sms.Option] = []
        for bot_message in bot_messages:
            if not bot_message.get("text"):
                continue  # custom payloads and images are not for SMS
            offered = sms.options_from_buttons(bot_message.get("buttons"))
            body = sms.with_options(sms.plain_punctuation(str(bot_message["text"])), offered)
            replies.extend(sms.split_message(body))
        sender.options = [{"title": o.title, "payload": o.payload} for o in offered]
        sender.last_reply = replies[-1:] if replies else sender.last_reply
        return replies

    async def _keep_photos(self, message: InboundSms, sender_id: str, photos: list[tuple[str, str]]) -> list[str]:
        if not photos:
            return []
        kept, refused, failed = 0, 0, 0
        for url, declared in photos:
            if self.api is None:
                failed += 1
                continue
            try:
                photo = await self.api.fetch_photo(url, message.message_sid, declared)
            except MediaRefused:
                refused += 1
                continue
            except MediaUnavailable:
                failed += 1
                continue
            self.state.hold_photo(sender_id, message.message_sid, photo.media_sid, photo.content_type, photo.data)
            kept += 1
        logger.info("sms.photos conversation=%s kept=%d refused=%d failed=%d", _short(sender_id), kept, refused, failed)
        notes = [sms.PHOTO_KEPT_TEXT] if kept else []
        notes += [sms.PHOTO_REFUSED_TEXT] if refused else []
        notes += [sms.PHOTO_FAILED_TEXT] if failed else []
        return notes

    async def delete_sealed(self, sender_id: str | None = None) -> int:
        """Delete Twilio's copy of every photo now sealed into a referral, then of every message
        of hers or ours whose words are sealed (bot/sms_messages.py); retried until gone."""
        if self.api is None:
            return 0
        deleted = 0
        async with self._deleting:  # the sweeper and a turn's clean-up may overlap: delete once
            for photo in self.state.sealed_photos(sender_id):
                if await self.api.delete_photo(photo.message_sid, photo.media_sid):
                    self.state.forget_photo(photo.id)
                    deleted += 1
            waiting = 0
            for message in self.state.messages_to_delete(sender_id):
                if await self.api.delete_message(message.sid):
                    self.state.message_deleted(message)
                    deleted += 1
                else:
                    self.state.message_not_deleted(message)
                    waiting += 1
            if waiting:
                logger.info("sms.messages_not_deleted_yet count=%d", waiting)
        return deleted

    async def close_idle_reports(self, now: dt.datetime | None = None) -> int:
        """Seal reports left unfinished for longer than the idle timeout (the channel's sweeper)."""
        cutoff = (now or dt.datetime.now(dt.timezone.utc)) - self.idle_timeout
        closed = 0
        for sender_id in self.state.idle_open_reports(cutoff):
            async with self._one_at_a_time(sender_id):
                closed += await self.close_report(sender_id, "idle")
        await self.delete_sealed()
        self.state.forget_replies_before(cutoff - dt.timedelta(days=7))
        self.state.expire_senders((now or dt.datetime.now(dt.timezone.utc)) - self.sender_retention)
        return closed
