"""Rate a referral RED, AMBER or GREEN by explainable rules (DESIGN.md, "Triage: rules, not a black box").

Each rule that fires gives a ``Reason``: its id, the plain-English text the duty officer sees, and
the evidence, which is always the reporter's own words (a sentence found by ``bot.indicators``,
or an answer such as "8 months"). A rule needing two things quotes both, joined by
``EVIDENCE_JOINER``. Where a rule fired on a yes/no answer alone, the evidence says so in
brackets, e.g. "(injuries seen: yes)". Unknown answers (``None``) never fire a rule.

The highest rating wins. R-REPEAT then raises it one level for earlier referrals about the same
child. A duty officer may change the result, and must record why.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timezone

from bot import indicators
from bot.deadlines import deadline_for
from bot.indicators import Hit
from bot.referral import PRIORITIES, Reason, Referral

EVIDENCE_JOINER = " … "

RULES: dict[str, tuple[str, str]] = {
    "R-DANGER-NOW": ("RED", "The child may be in danger right now: the reporter was told to call 999"),
    "R-NONMOBILE-INJURY": ("RED", "Bruise or injury on a baby under 1 or not yet walking"),
    "R-DISCLOSURE": ("RED", "The child has said something about being harmed"),
    "R-SEXUAL": ("RED", "Possible sexual abuse"),
    "R-DA-HIGH": ("RED", "Strangulation, a weapon or threats to kill in the home"),
    "R-INJURY-PARTNER": ("RED", "Injury where a parent's new partner is involved"),
    "R-INJURY": ("AMBER", "Physical injury"),
    "R-DOMESTIC-ABUSE": ("AMBER", "Domestic abuse in the home"),
    "R-NEW-PARTNER": ("AMBER", "A parent's new partner living in or visiting the home"),
    "R-SUBSTANCE-UNDER5": ("AMBER", "Parental drink or drugs with a child under 5"),
    "R-NOT-SEEN": ("AMBER", "The child is not being seen, is kept off school or hidden"),
    "R-NO-RESPONSE": ("AMBER", "Reported before with no response"),
    "R-OTHER-WORRY": ("GREEN", "Any other worry: early help"),
    # Not a rating of its own: one level up from whatever the other rules gave.
    "R-REPEAT": ("+1", "Another referral about the same child in the last 12 months: one level up"),
}
_RANK = {p: i for i, p in enumerate(PRIORITIES)}  # GREEN 0 < AMBER 1 < RED 2


@dataclass(frozen=True)
class Triage:
    priority: str  # "RED" | "AMBER" | "GREEN"
    emergency: bool
    reasons: list[Reason]  # highest first
    deadline: datetime  # UTC


def _free_text(r: Referral) -> list[str]:
    """Everything the reporter wrote: answers first (the clearest quotes), then every turn."""
    fields = [
        r.concern.description, r.concern.injuries_detail, r.concern.child_said, r.concern.when,
        r.person_of_concern.description, r.person_of_concern.relationship_to_child, r.household,
        r.child.age_text, r.child.where_now, r.previous_reports.to_whom, *r.corrections, *r.reporter_words(),
    ]
    return list(dict.fromkeys(t for t in fields if t and t.strip()))  # each text once, order kept


class _Evidence:
    """The indicator hits in one referral, looked up by name."""

    def __init__(self, r: Referral) -> None:
        self.texts = _free_text(r)
        self.hits = [h for t in self.texts for h in indicators.find_all(t)]
        if r.concern.child_said:
            self.hits += [h for h in indicators.find_all(r.concern.child_said, child_said=True)
                          if h.indicator == "disclosure"]

    def first(self, indicator: str) -> Hit | None:
        return next((h for h in self.hits if h.indicator == indicator), None)

    def together(self, a: str, b: str) -> Hit | None:
        """A sentence with both indicators, e.g. "mum's new fella gave him that black eye"."""
        with_b = {h.evidence for h in self.hits if h.indicator == b}
        return next((h for h in self.hits if h.indicator == a and h.evidence in with_b), None)


def _quote(*pieces: str | None) -> str:
    return EVIDENCE_JOINER.join(dict.fromkeys(p.strip() for p in pieces if p and p.strip()))


def _age_words(r: Referral) -> str:
    return r.child.age_text or f"(age: {r.child.age_years:g} years)"


def _fired(r: Referral, ev: _Evidence) -> dict[str, str]:
    """Rule id -> evidence, for every rule except R-OTHER-WORRY and R-REPEAT."""
    fired: dict[str, str] = {}
    age = r.child.age_years
    hit = ev.first

    if (h := hit("danger_now")) is not None:
        fired["R-DANGER-NOW"] = h.evidence

    # Any injury indication: the reporter's words, or a plain "yes" to "did you see any injuries?".
    injury = hit("injury")
    injured = injury is not None or r.concern.injuries_seen is True
    injury_words = (injury.evidence if injury else None) or r.concern.injuries_detail or "(injuries seen: yes)"

    if injured:
        # NICE CG89: any bruise on a baby who is not independently mobile. Exactly 1 is not under 1.
        if age is not None and age < 1:
            fired["R-NONMOBILE-INJURY"] = _quote(injury_words, _age_words(r))
        elif (h := hit("non_mobile")) is not None:
            fired["R-NONMOBILE-INJURY"] = _quote(injury_words, h.evidence)

        poc = r.person_of_concern
        # Her description first: a relationship pulled out of free text is our label, not her words.
        partner = next(
            (h for h in indicators.find(poc.description) if h.indicator == "new_partner"), None
        ) or indicators.parents_partner(poc.relationship_to_child)
        if partner is not None:
            fired["R-INJURY-PARTNER"] = _quote(partner.evidence, injury_words)
        elif (h := ev.together("injury", "new_partner")) is not None:
            fired["R-INJURY-PARTNER"] = h.evidence

    if (h := hit("disclosure")) is not None:
        fired["R-DISCLOSURE"] = h.evidence
    if (h := hit("sexual")) is not None:
        fired["R-SEXUAL"] = h.evidence
    if (h := hit("da_high")) is not None:
        fired["R-DA-HIGH"] = h.evidence
    # "Other" physical injury: not repeated when a RED injury rule already quotes it.
    if injured and not {"R-NONMOBILE-INJURY", "R-INJURY-PARTNER"} & fired.keys():
        fired["R-INJURY"] = injury_words
    if (h := hit("domestic_abuse")) is not None:
        fired["R-DOMESTIC-ABUSE"] = h.evidence
    partner_hit = hit("new_partner") or indicators.parents_partner(r.person_of_concern.relationship_to_child)
    if partner_hit is not None:
        fired["R-NEW-PARTNER"] = partner_hit.evidence
    if (h := hit("substance")) is not None and age is not None and age < 5:
        fired["R-SUBSTANCE-UNDER5"] = _quote(h.evidence, _age_words(r))
    if (h := hit("not_seen")) is not None:
        fired["R-NOT-SEEN"] = h.evidence
    if (h := hit("no_response")) is not None:
        to_whom = r.previous_reports.to_whom if r.previous_reports.reported_before else None
        fired["R-NO-RESPONSE"] = _quote(h.evidence, to_whom)
    return fired


def _first_words(r: Referral) -> str:
    text = r.concern.description or next(iter(r.reporter_words()), "")
    text = text.strip()
    if len(text) <= indicators.MAX_EVIDENCE:
        return text
    cut = text.rfind(" ", 0, indicators.MAX_EVIDENCE)
    return text[: cut if cut > 0 else indicators.MAX_EVIDENCE]


def triage(referral: Referral, received_at: datetime, earlier_referrals_12m: int = 0) -> Triage:
    """Rate ``referral``; ``earlier_referrals_12m`` counts other referrals about the same child."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    if earlier_referrals_12m < 0:
        raise ValueError("earlier_referrals_12m cannot be negative")

    fired = _fired(referral, _Evidence(referral))
    if not fired:
        fired["R-OTHER-WORRY"] = _first_words(referral)
    order = list(RULES)
    reasons = [Reason(rule, RULES[rule][1], evidence)
               for rule, evidence in sorted(fired.items(), key=lambda kv: (-_RANK[RULES[kv[0]][0]], order.index(kv[0])))]
    priority = RULES[reasons[0].rule][0]

    if earlier_referrals_12m > 0:
        n = earlier_referrals_12m
        repeat = Reason("R-REPEAT", RULES["R-REPEAT"][1],
                        f"{n} earlier referral{'s' if n != 1 else ''} about the same child in the last 12 months")
        raised = PRIORITIES[min(_RANK[priority] + 1, len(PRIORITIES) - 1)]
        # Listed first when it is why the rating is what it is; last when RED could go no higher.
        reasons = [repeat, *reasons] if raised != priority else [*reasons, repeat]
        priority = raised

    emergency = "R-DANGER-NOW" in fired
    deadline = received_at.astimezone(timezone.utc) if emergency else deadline_for(priority, received_at)
    return Triage(priority=priority, emergency=emergency, reasons=reasons, deadline=deadline)


def apply(referral: Referral, result: Triage) -> Referral:
    """A copy of ``referral`` carrying the triage result; the original is left as it was."""
    rated = copy.deepcopy(referral)
    rated.priority = result.priority
    rated.emergency = result.emergency
    rated.reasons = [Reason(r.rule, r.text, r.evidence) for r in result.reasons]
    rated.deadline = result.deadline.isoformat()
    return rated
