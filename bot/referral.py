"""The referral: what a reporter told us, in the shape DESIGN.md promises the duty officer.

Every field is always present. Anything the reporter did not say, or answered with
"don't know" / "skip", is ``None``: we never guess. Free-text answers are kept verbatim.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Optional

PRIORITIES = ("GREEN", "AMBER", "RED")  # ascending severity
STATUSES = ("complete", "incomplete")
CHANNELS = ("webchat", "sms")


@dataclass
class Child:
    name: Optional[str] = None
    age_text: Optional[str] = None
    age_years: Optional[float] = None
    area: Optional[str] = None
    school: Optional[str] = None
    where_now: Optional[str] = None
    first_language: Optional[str] = None
    interpreter_needed: Optional[bool] = None
    additional_needs: Optional[str] = None  # her words: disability or additional needs


@dataclass
class Concern:
    types: list[str] = field(default_factory=list)
    description: Optional[str] = None
    when: Optional[str] = None
    injuries_seen: Optional[bool] = None
    injuries_detail: Optional[str] = None
    child_said: Optional[str] = None


@dataclass
class PersonOfConcern:
    description: Optional[str] = None
    relationship_to_child: Optional[str] = None  # the category the console sorts by
    relationship_words: Optional[str] = None  # her words for it, verbatim ("my daughter, his mum")
    lives_with_child: Optional[bool] = None


@dataclass
class PreviousReports:
    reported_before: Optional[bool] = None
    to_whom: Optional[str] = None


@dataclass
class Source:
    """How she knows: "self" (she saw or heard it herself), "told" (someone told her), "both"."""

    kind: Optional[str] = None
    words: Optional[str] = None


@dataclass
class Reporter:
    name: Optional[str] = None
    relationship: Optional[str] = None  # the category ("grandparent")
    relationship_words: Optional[str] = None  # her words ("her nan on her dad's side")
    anonymous: bool = False
    contact: Optional[str] = None  # her words: how to reach her
    contact_by: list[str] = field(default_factory=list)  # the ways she names: "phone", "text", "email"
    safe_to_contact: Optional[bool] = None
    safe_times: Optional[str] = None


@dataclass
class Reason:
    """One triage rule that fired, with the reporter's words that fired it."""

    rule: str
    text: str
    evidence: str


@dataclass
class Turn:
    """One message in the conversation. ``speaker`` is "reporter" or "bot"; ``at`` is ISO 8601 UTC."""

    speaker: str
    text: str
    at: str


@dataclass
class Attachment:
    filename: str
    content_type: str
    size: int
    data_b64: str


@dataclass
class Referral:
    reference: str
    received_at: str
    channel: str
    status: str = "complete"
    priority: str = "GREEN"
    emergency: bool = False
    deadline: Optional[str] = None
    reasons: list[Reason] = field(default_factory=list)
    child: Child = field(default_factory=Child)
    # Every child the report is about, the first being ``child``: siblings are often at risk too.
    children: list[Child] = field(default_factory=list)
    concern: Concern = field(default_factory=Concern)
    person_of_concern: PersonOfConcern = field(default_factory=PersonOfConcern)
    household: Optional[str] = None  # her words
    household_members: list[str] = field(default_factory=list)  # categories read from her words
    other_children_in_home: Optional[bool] = None
    other_children: Optional[str] = None  # her words
    source: Source = field(default_factory=Source)
    previous_reports: PreviousReports = field(default_factory=PreviousReports)
    reporter: Reporter = field(default_factory=Reporter)
    parent_aware: Optional[bool] = None
    parent_aware_words: Optional[str] = None  # her words, when she answered it in words
    parent_unaware_why: Optional[str] = None  # her words, when the parent does not know
    # Questions asked twice without an answer: unknown because she could not say, not skipped.
    unanswered: list[str] = field(default_factory=list)
    # Things the reporter said at the read-back that we could not map to a field.
    corrections: list[str] = field(default_factory=list)
    transcript: list[Turn] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    linked_references: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Referral":
        data = dict(data)
        nested = {
            "child": Child,
            "concern": Concern,
            "person_of_concern": PersonOfConcern,
            "previous_reports": PreviousReports,
            "reporter": Reporter,
            "source": Source,
        }
        for key, kind in nested.items():
            data[key] = kind(**data.get(key, {}))
        data["children"] = [Child(**c) for c in data.get("children") or [dataclasses.asdict(data["child"])]]
        data["reasons"] = [Reason(**r) for r in data.get("reasons", [])]
        data["transcript"] = [Turn(**t) for t in data.get("transcript", [])]
        data["attachments"] = [Attachment(**a) for a in data.get("attachments", [])]
        return cls(**data)

    @classmethod
    def from_json(cls, text: str | bytes) -> "Referral":
        return cls.from_dict(json.loads(text))

    def reporter_words(self) -> list[str]:
        """Everything the reporter typed, in order: the evidence triage may quote."""
        return [t.text for t in self.transcript if t.speaker == "reporter"]
