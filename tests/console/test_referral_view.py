"""Opening a referral and acting on it: everything the reporter said, safely shown, audited."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path


from bot import followup, linking_store, sealing
from bot.console.appkeys import AUDIT, CONFIG, STORE
from bot.intake import signed_referral
from bot.referral import Attachment, Reason
from bot.store import StoredReferral
from bot.xwing import XWingPrivateKey
from tests.console.conftest import (
    NOON,
    add_addition,
    csrf_of,
    intake_signer,
    make_referral,
    post_form,
    queue_referral,
)

REFERENCE = "FV-AAAA-BBBB"
CANARY = "Zebedee Quartermaine-Canary"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
HTML = b"<html><script>alert('pwned')</script></html>"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def full_referral():
    referral = make_referral(
        REFERENCE, priority="RED",
        description="He said <b>mum's new boyfriend</b> & his mate hurt him.\nTwice, last week.",
        linked_references=[{"reference": "FV-LINK-EDAA", "received_at": "2026-01-05T10:00:00+00:00",
                            "matched_fields": ["name", "school"], "strength": "likely"}],
        attachments=[Attachment("bruise.png", "image/png", len(PNG), b64(PNG)),
                     Attachment("evil.png", "image/png", len(HTML), b64(HTML)),
                     Attachment("drawing.svg", "image/svg+xml", 30, b64(b"<svg onload='alert(1)'></svg>"))],
    )
    referral.reasons = [Reason("R-INJURY-PARTNER", "An injury where a parent's new partner is involved",
                               "mum's new boyfriend … hurt him")]
    referral.child.name = CANARY
    return referral


async def open_page(client, reference=REFERENCE) -> str:
    reply = await client.get(f"/referrals/{reference}")
    assert reply.status == 200, reply.status
    return await reply.text()


async def test_opening_shows_everything_the_reporter_said(client, app, signed_in):
    queue_referral(app, full_referral(), deadline=NOON + dt.timedelta(hours=4))
    html = await open_page(client)
    # the rating with every reason and the words that fired it
    assert "R-INJURY-PARTNER" in html and "An injury where a parent&#39;s new partner is involved" in html
    assert "mum&#39;s new boyfriend … hurt him" in html
    # the description verbatim (escaped, never markup; line breaks kept by CSS, not altered)
    assert "He said &lt;b&gt;mum&#39;s new boyfriend&lt;/b&gt; &amp; his mate hurt him.\nTwice, last week." in html
    assert "<b>mum" not in html
    # the full transcript, both sides
    assert "What is worrying you?" in html and html.count("He said &lt;b&gt;") >= 2
    assert 'class="turn turn-reporter fired"' in html
    # the child, and the reporter's contact preferences and safety
    assert CANARY in html and "NOT safe to contact" in html and "after 6pm" in html
    # the linked referral about the same child
    assert 'href="/referrals/FV-LINK-EDAA"' in html and "matched on name, school" in html
    assert "made before this one, Mon 05 Jan 2026, 10:00" in html and "likely match" in html
    # the photos: only the real PNG as an image; the others as downloads
    assert html.count('<img src="/referrals/FV-AAAA-BBBB/attachments/') == 1
    assert "Download evil.png" in html and "Download drawing.svg" in html


async def test_unknown_answers_say_not_known(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    html = await open_page(client)
    assert html.count("not known") >= 5  # school, where now, when, person of concern...


async def test_opening_is_audited_before_anything_is_shown(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    await open_page(client)
    [entry] = [e for e in app[AUDIT].entries() if e.action == "opened"]
    assert entry.actor == "olive" and entry.reference == REFERENCE


async def test_additions_from_the_reporter_are_opened_and_new_ones_flagged_once(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    for text, danger in (("His dad came back yesterday", False), ("He is locked in his room right now", True)):
        body = {"at": NOON.isoformat(), "text": text, "danger_now": danger}
        add_addition(app, REFERENCE, body)
        followup.note_addition(app[STORE], REFERENCE, NOON)  # what the follow-up flow does (issue 6)
    assert "2 NEW" in await (await client.get("/")).text()
    html = await open_page(client)
    assert "His dad came back yesterday" in html and "He is locked in his room right now" in html
    assert "DANGER NOW" in html and html.count(">NEW<") == 2
    # seen now: neither the queue nor the next opening calls them new
    assert "NEW" not in await (await client.get("/")).text()
    assert ">NEW<" not in await open_page(client)


async def test_a_later_referral_about_the_same_child_is_linked_both_ways(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    queue_referral(app, make_referral("FV-LATE-RAAA", received_at=NOON + dt.timedelta(days=2)), deadline=NOON)
    link = linking_store.Link(REFERENCE, NOON, ("name", "age", "school"))
    linking_store.record(app[STORE], "FV-LATE-RAAA", {}, [link], NOON + dt.timedelta(days=2))
    html = await open_page(client)
    assert 'href="/referrals/FV-LATE-RAAA"' in html and "made after this one" in html
    assert "matched on name, age, school" in html
    later = await open_page(client, "FV-LATE-RAAA")
    assert f'href="/referrals/{REFERENCE}"' in later and "made before this one" in later


async def test_an_unknown_reference_is_a_404_and_opens_nothing(client, app, signed_in):
    for path in ("/referrals/FV-NONE-XXXX", "/referrals/FV-NONE-XXXX/attachments/0", "/referrals/%3Cscript%3E"):
        reply = await client.get(path)
        assert reply.status == 404, path
    assert not [e for e in app[AUDIT].entries() if e.action == "opened"]


async def test_a_referral_sealed_to_another_key_says_so_plainly(client, app, signed_in):
    other = XWingPrivateKey.generate().public_key()
    referral = make_referral(REFERENCE)
    app[STORE].add_referral(signed_referral(intake_signer(app), StoredReferral(
        reference=REFERENCE, received_at=NOON, channel="webchat", status="complete", priority="AMBER", emergency=False,
        deadline=NOON, key_id=sealing.key_id(other), suite=sealing.SUITE_NAME,
        sealed=sealing.seal(referral.to_json().encode(), other, REFERENCE))))
    reply = await client.get(f"/referrals/{REFERENCE}")
    html = await reply.text()
    assert reply.status == 500 and "does not open with the unit" in html and "Traceback" not in html


async def test_photos_are_served_only_as_what_they_really_are(client, app, signed_in):
    queue_referral(app, full_referral(), deadline=NOON)
    png = await client.get(f"/referrals/{REFERENCE}/attachments/0")
    assert png.headers["Content-Type"] == "image/png" and await png.read() == PNG
    assert png.headers["Content-Disposition"].startswith("inline")
    for index in (1, 2):  # HTML pretending to be a PNG; an SVG that could run script
        reply = await client.get(f"/referrals/{REFERENCE}/attachments/{index}")
        assert reply.headers["Content-Type"] == "application/octet-stream"
        assert reply.headers["Content-Disposition"].startswith("attachment")
        assert "sandbox" in reply.headers["Content-Security-Policy"]
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert (await client.get(f"/referrals/{REFERENCE}/attachments/3")).status == 404
    assert [e.detail for e in app[AUDIT].entries() if e.action == "attachment_opened"] == [
        {"index": 0}, {"index": 1}, {"index": 2}]


def database_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("fv.db*"))


async def test_acknowledge_then_change_the_rating_with_a_reason(client, app, signed_in, tmp_path):
    queue_referral(app, make_referral("FV-REDD-AAAA", priority="RED"), deadline=NOON + dt.timedelta(hours=5))
    queue_referral(app, make_referral(REFERENCE, priority="GREEN"), deadline=NOON + dt.timedelta(days=3))
    page = await open_page(client)
    reply = await post_form(client, f"/referrals/{REFERENCE}/acknowledge", {}, page=page)
    assert reply.status == 303 and reply.headers["Location"] == f"/referrals/{REFERENCE}"
    page = await open_page(client)
    assert "You are working on this referral" in page and "olive (since" in page

    # A rating change without a reason is refused and changes nothing
    reply = await post_form(client, f"/referrals/{REFERENCE}/rating", {"rating": "RED", "reason": "   "}, page=page)
    assert reply.status == 400 and "Nothing was changed" in await reply.text()
    assert app[STORE].get(REFERENCE).priority == "GREEN"

    reason = f"The school nurse saw {CANARY}'s bruises today."
    reply = await post_form(client, f"/referrals/{REFERENCE}/rating", {"rating": "RED", "reason": reason}, page=page)
    assert reply.status == 303
    row = app[STORE].get(REFERENCE)
    assert row.priority == "RED" and row.deadline == NOON + dt.timedelta(hours=4)  # RED: 4 h from receipt
    page = await open_page(client)
    assert "changed the rating from GREEN to RED" in page and "The school nurse saw" in page
    assert "The rules rated it <strong>GREEN</strong>" in page
    queue_html = await (await client.get("/")).text()
    assert queue_html.index(REFERENCE) < queue_html.index("FV-REDD-AAAA")  # now RED, and due sooner
    assert CANARY.encode() not in database_bytes(tmp_path)  # the reason is sealed
    [entry] = [e for e in app[AUDIT].entries() if e.action == "rating_changed"]
    assert entry.detail == {"from": "GREEN", "to": "RED"} and entry.actor == "olive"


async def test_record_a_decision_with_a_sealed_note(client, app, signed_in, tmp_path):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    page = await open_page(client)
    reply = await post_form(client, f"/referrals/{REFERENCE}/decision", {"decision": "section_47", "note": ""}, page=page)
    assert reply.status == 400
    reply = await post_form(client, f"/referrals/{REFERENCE}/decision", {"decision": "made_up", "note": "x"}, page=page)
    assert reply.status == 400
    note = f"Strategy discussion with police today; {CANARY} seen at school."
    reply = await post_form(client, f"/referrals/{REFERENCE}/decision", {"decision": "section_47", "note": note}, page=page)
    assert reply.status == 303
    page = await open_page(client)
    assert "Strategy discussion / section 47 enquiry" in page and "Strategy discussion with police today" in page
    assert REFERENCE not in await (await client.get("/")).text()  # off the list awaiting a decision
    assert REFERENCE in await (await client.get("/?stage=decided")).text()
    assert CANARY.encode() not in database_bytes(tmp_path)
    assert [e.detail for e in app[AUDIT].entries() if e.action == "decision"] == [{"decision": "section_47"}]


async def test_add_a_note(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    page = await open_page(client)
    reply = await post_form(client, f"/referrals/{REFERENCE}/notes", {"text": "Called the school: no answer."}, page=page)
    assert reply.status == 303
    assert "Called the school: no answer." in await open_page(client)


async def test_acting_on_an_unknown_referral_is_a_404(client, signed_in):
    page = await (await client.get("/")).text()
    for action, data in (("acknowledge", {}), ("rating", {"rating": "RED", "reason": "x"}),
                         ("decision", {"decision": "police", "note": "x"}), ("notes", {"text": "x"})):
        reply = await client.post(f"/referrals/FV-NONE-XXXX/{action}", data={"csrf_token": csrf_of(page), **data})
        assert reply.status == 404, action


async def test_hidden_controls_in_a_referral_are_shown_as_visible_codes(client, app, signed_in):
    referral = make_referral(REFERENCE, description="bruises on his \u202emra\u2069, he said")
    queue_referral(app, referral, deadline=NOON + dt.timedelta(hours=4))
    html = await open_page(client)
    assert "\u202e" not in html and "\u2069" not in html
    assert "bruises on his [U+202E]mra[U+2069], he said" in html


async def test_each_child_her_words_beside_each_category_and_the_mash_fields_are_shown(client, app, signed_in):
    from bot.referral import Child, PersonOfConcern, Source

    referral = make_referral("FV-KIDS-AAAA")
    referral.children = [
        Child(name="Mason", age_text="8", age_years=8.0, area="Rotherham S65", school="Badsley primary",
              first_language="Polish", interpreter_needed=True, additional_needs="he's autistic"),
        Child(name="Lily", age_text="5", age_years=5.0, area="Rotherham S65", school="Badsley primary"),
    ]
    referral.child = referral.children[0]
    referral.person_of_concern = PersonOfConcern(description="my sons ex", relationship_to_child="mother",
                                                 relationship_words="my sons ex, their mum", lives_with_child=True)
    referral.reporter.relationship, referral.reporter.relationship_words = "grandparent", "her nan on her dad's side"
    referral.reporter.contact, referral.reporter.contact_by = "text me on the mobile", ["text"]
    referral.household, referral.household_members = "their mum and the two of them", ["mother", "siblings"]
    referral.other_children_in_home, referral.other_children = True, "the baby, Noah"
    referral.source = Source(kind="told", words="my sister told me")
    referral.parent_aware, referral.parent_unaware_why = False, "she would stop me seeing them"
    referral.unanswered = ["safe_times"]
    queue_referral(app, referral, deadline=NOON + dt.timedelta(hours=4))
    html = await open_page(client, "FV-KIDS-AAAA")
    assert "The children (2)" in html and "Mason" in html and "Lily" in html
    assert "Polish" in html and "he&#39;s autistic" in html
    assert "mother</dd>" not in html and "mother, in her words: <span class=\"verbatim\">my sons ex, their mum" in html
    assert "grandparent, in her words: <span class=\"verbatim\">her nan on her dad&#39;s side" in html
    assert "text, in her words: <span class=\"verbatim\">text me on the mobile" in html
    assert "mother, siblings, in her words" in html and "the baby, Noah" in html
    assert "someone told her" in html and "my sister told me" in html
    assert "she would stop me seeing them" in html
    assert "Asked twice, not answered" in html and "safe_times" in html


async def test_a_referral_sealed_before_these_fields_still_opens(client, app, signed_in):
    referral = make_referral("FV-OLDR-AAAA")
    data = referral.to_dict()
    for key in ("children", "source", "household_members", "other_children_in_home", "other_children",
                "parent_aware_words", "parent_unaware_why", "unanswered"):
        data.pop(key)
    for key in ("relationship_words", "contact_by"):
        data["reporter"].pop(key)

    class Older:
        """A referral as sealed before these fields existed: its JSON without them."""

        def __init__(self) -> None:
            self.reference, self.received_at, self.channel = referral.reference, referral.received_at, "webchat"
            self.status, self.priority = referral.status, referral.priority

        def to_json(self) -> str:
            return json.dumps(data)

    queue_referral(app, Older(), deadline=NOON)
    html = await open_page(client, "FV-OLDR-AAAA")
    assert "Tommy Canary" in html and "The child</h2>" in html
