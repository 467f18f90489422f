"""Simulated relatives, driven through the real running stack on web chat and SMS.

A persona (one YAML file in ``personas/``) is not a fixed script: it has an opening message (or
two), the answer she gives to each KIND of question (keyed by topic: ``child_name``,
``safe_times``...), and the key facts the sealed referral must hold. The runner reads what
the bot asks, recognises the topics in its question (one question may ask for two things), and
answers as she would, until she is given a reference. So the same persona still works when the
dialogue changes, and its turn count measures the dialogue, not the script.

Turns are her messages until the referral is sealed complete. The referral is then read back
from the store and opened with the unit's private key, as a duty officer would, and each key
fact is scored as captured or not.
"""

from __future__ import annotations

import json
import re
import statistics
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import yaml

from tests.conversations.scoring import open_referral, score

PERSONAS = Path(__file__).resolve().parent / "personas"
REFERENCE = re.compile(r"\bFV-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
SMS_PATH = "/webhooks/twilio_sms/webhook"
OUR_NUMBER = "+447700900999"
CHANNELS = ("webchat", "sms")
MAX_TURNS = 40

# What a question is about, recognised from the bot's words (today's questions and earlier
# wordings alike). A question may ask for several things; they are answered in the order asked.
TOPICS: tuple[tuple[str, str], ...] = (
    ("read_back", r"here is what you told me"),
    ("readback_choice", r"send it as it is"),
    ("what_to_change", r"what would you like to change|what should i change"),
    ("anything_else", r"anything else about what happened"),
    (
        "account",
        r"what is worrying you|what has happened|(?<!about )what happened\?|tell me what happened",
    ),
    (
        "child_name",
        r"child'?s name|names? of the child|what is (?:the child|their|his|her) called"
        r"|who is the child",
    ),
    ("child_age", r"how old"),
    (
        "child_area",
        r"town or area|where does the child live|which area"
        r"|where do(?:es)? (?:the child|they) live",
    ),
    ("child_school", r"school or nursery"),
    ("child_where_now", r"where is the child now|where are the children now"),
    ("concern_when", r"when did (?:this|it) happen|when did you last see"),
    ("source", r"see (?:it|this|them) yourself|did someone tell you|hear about it"),
    ("injuries_seen", r"seen any injuries"),
    (
        "injuries_detail",
        r"what did you see, and where|where on the child'?s body|where on (?:his|her|their) body",
    ),
    (
        "child_said",
        r"child said anything|has the child said|have the children said|child has said anything",
    ),
    ("poc_description", r"who are you worried about|someone in particular|a particular person"),
    (
        "poc_relationship",
        r"how is that person related|who is that to the child|who are they to the child"
        r"|who is (?:that|this) person to",
    ),
    ("poc_lives_with_child", r"(?:does|do) [\w', ]{1,80}?live (?:with the child|there)"),
    ("household", r"who else lives|who lives in the child'?s home|who lives with the child"),
    (
        "reported_before",
        r"told anyone about this before|reported (?:this|it) before|told anyone before"
        r"|about this before",
    ),
    ("reported_to", r"who was it reported to"),
    ("reporter_relationship", r"how do you know the child|how do you know (?:him|her|them)"),
    ("reporter_name", r"what is your name"),
    ("safe_to_contact", r"safe for the team to contact you"),
    ("contact_method", r"how should (?:they|the team) contact you|if so, how\b"),
    ("safe_times", r"when is it safe to contact|if so, how and when|how and when"),
    ("parent_aware", r"parent know|parents know"),
    ("language", r"first language|language does the child|what language"),
    ("interpreter", r"interpreter"),
    ("needs", r"disability|additional needs"),
)
_TOPIC_RES = tuple((topic, re.compile(pattern, re.IGNORECASE)) for topic, pattern in TOPICS)


def topics_asked(bot_text: str) -> list[str]:
    """The topics the bot's last question asks about, in the order it asks them."""
    messages = [m for m in bot_text.split("\n\n") if m.strip()] or [bot_text]
    if any(re.search(r"here is what you told me", m, re.IGNORECASE) for m in messages[-2:]):
        return ["read_back"]  # the summary may come in two messages; it quotes her answers
    for message in reversed(messages):
        found = sorted(
            ((m.start(), topic) for topic, rx in _TOPIC_RES for m in [rx.search(message)] if m),
        )
        topics = []
        for _, topic in found:
            if topic not in topics:
                topics.append(topic)
        if topics:
            if "read_back" in topics:
                return ["read_back"]  # the summary quotes her answers; it is one question
            return topics
    return []


@dataclass
class Persona:
    name: str
    about: str
    opening: list[str]
    answers: dict[str, Any]
    expect: dict[str, Any]
    max_turns: dict[str, int]
    interjections: dict[int, str] = field(default_factory=dict)
    default: str = "don't know"
    known_gap: str | None = None  # why this persona is expected to miss, if it is (strict xfail)

    @classmethod
    def load(cls, path: Path) -> "Persona":
        data = yaml.safe_load(path.read_text())
        limits = data.get("max_turns", {})
        if isinstance(limits, int):
            limits = {channel: limits for channel in CHANNELS}
        opening = data["opening"]
        return cls(
            name=path.stem,
            about=data.get("about", ""),
            opening=[opening] if isinstance(opening, str) else list(opening),
            answers=dict(data.get("answers") or {}),
            expect=dict(data.get("expect") or {}),
            max_turns={channel: int(limits.get(channel, 12)) for channel in CHANNELS},
            interjections={int(k): v for k, v in (data.get("interjections") or {}).items()},
            default=data.get("default", "don't know"),
            known_gap=data.get("known_gap"),
        )


def personas() -> list[Persona]:
    return [Persona.load(path) for path in sorted(PERSONAS.glob("*.yml"))]


class Answerer:
    """Her answers: the same topic asked again gets her next answer for it, if she has one."""

    def __init__(self, persona: Persona) -> None:
        self.persona = persona
        self.times: dict[str, int] = {}

    def one(self, topic: str) -> str | None:
        answer = self.persona.answers.get(topic)
        if answer is None:
            return None
        if isinstance(answer, bool):  # YAML's unquoted yes / no
            answer = "yes" if answer else "no"
        n = self.times.get(topic, 0)
        self.times[topic] = n + 1
        if isinstance(answer, list):
            return str(answer[min(n, len(answer) - 1)])
        return str(answer)

    def reply_to(self, topics: list[str]) -> str:
        combined = "+".join(topics)
        if len(topics) > 1 and combined in self.persona.answers:
            return self.one(combined) or self.persona.default
        parts = [a for a in (self.one(t) for t in topics) if a]
        if not parts:
            return self.persona.default
        # Two things asked at once: she answers both in one message, as people do.
        return ", ".join(parts)


# --- the two channels --------------------------------------------------------------------


def _post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def webchat_sender(rasa_port: int) -> Callable[[str, str], str]:
    url = f"http://127.0.0.1:{rasa_port}/webhooks/webchat/webhook"

    def send(conversation: str, text: str) -> str:
        status, body = _post(
            url,
            json.dumps({"sender": conversation, "message": text}).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 200, (status, body)
        return "\n\n".join(m.get("text", "") for m in json.loads(body))

    return send


def sms_sender(rasa_port: int, public_base_url: str, auth_token: str) -> Callable[[str, str], str]:
    """Twilio's side: every message a signed form post, answered with TwiML."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(auth_token)
    url = f"http://127.0.0.1:{rasa_port}{SMS_PATH}"
    phones: dict[str, str] = {}

    def send(conversation: str, text: str) -> str:
        phone = phones.setdefault(conversation, "+4477009" + str(uuid.uuid4().int)[:5])
        sid = "SM" + uuid.uuid4().hex
        form = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "From": phone,
            "To": OUR_NUMBER,
            "Body": text,
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(public_base_url + SMS_PATH, form),
        }
        status, body = _post(url, urlencode(form).encode(), headers)
        assert status == 200, (status, body)
        return "\n\n".join(m.text or "" for m in ElementTree.fromstring(body).iter("Message"))

    return send


# --- one conversation ----------------------------------------------------------------------


@dataclass
class Outcome:
    persona: str
    channel: str
    turns: int
    reference: str | None
    referral: dict[str, Any] | None
    facts: dict[str, bool]
    transcript: list[tuple[str, str]]

    @property
    def captured(self) -> int:
        return sum(self.facts.values())

    def missed(self) -> list[str]:
        return [name for name, ok in self.facts.items() if not ok]

    def story(self) -> str:
        lines = [f"{self.persona} on {self.channel}: {self.turns} turns, missed {self.missed()}"]
        for said, answered in self.transcript:
            lines.append(f"  SHE: {said}")
            lines += [f"  BOT: {line}" for line in answered.splitlines() if line.strip()]
        return "\n".join(lines)


def converse(
    persona: Persona, send: Callable[[str, str], str], channel: str
) -> tuple[int, str | None, list]:
    """Her side of the conversation; (turns, reference or None, transcript)."""
    conversation = f"{persona.name}-{uuid.uuid4().hex[:8]}"
    answerer = Answerer(persona)
    transcript: list[tuple[str, str]] = []
    bot = ""
    for line in persona.opening:
        bot = send(conversation, line)
        transcript.append((line, bot))
    while len(transcript) < MAX_TURNS:
        found = REFERENCE.search(bot)
        if found:
            return len(transcript), found.group(0), transcript
        turn = len(transcript) + 1
        if turn in persona.interjections:
            said = persona.interjections[turn]
        else:
            said = answerer.reply_to(topics_asked(bot))
        bot = send(conversation, said)
        transcript.append((said, bot))
    return len(transcript), None, transcript


def run(persona: Persona, channel: str, send: Callable[[str, str], str], var_dir: Path) -> Outcome:
    turns, reference, transcript = converse(persona, send, channel)
    referral = open_referral(var_dir, reference) if reference else None
    if referral is not None and referral.get("status") != "complete":
        referral = None  # only a complete, sealed referral counts
    facts = score(persona.expect, referral)
    return Outcome(persona.name, channel, turns, reference, referral, facts, transcript)


@dataclass
class Summary:
    channel: str
    outcomes: list[Outcome]

    @property
    def turns(self) -> list[int]:
        return sorted(o.turns if o.reference else MAX_TURNS for o in self.outcomes)

    @property
    def median(self) -> float:
        return float(statistics.median(self.turns))

    @property
    def p90(self) -> float:
        turns = self.turns
        return float(turns[min(len(turns) - 1, int(round(0.9 * (len(turns) - 1))))])

    @property
    def capture(self) -> float:
        total = sum(len(o.facts) for o in self.outcomes)
        return sum(o.captured for o in self.outcomes) / total if total else 0.0

    @property
    def completed(self) -> int:
        return sum(1 for o in self.outcomes if o.referral is not None)

    def row(self) -> str:
        return (
            f"| {self.channel} | {len(self.outcomes)} | {self.completed} | {self.median:.1f} "
            f"| {self.p90:.0f} "
            f"| {self.capture:.1%} |"
        )


TABLE_HEAD = (
    "| channel | personas | sealed complete | median turns | p90 turns | key facts captured |\n"
    "|---|---|---|---|---|---|"
)
