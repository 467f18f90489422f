"""How the scanner reads a message: negation, the child's own words, the words it quotes, the API.

Mirrors ``bot.indicators``. The wording tables (what each indicator catches) are in
``test_indicators_table.py``; the property test below draws its words from them.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import indicators
from bot.indicators import INDICATORS, Hit, concern_types, danger_now, find, find_all, parents_partner
from tests.bot.test_indicators_table import DOES_NOT_FIRE, FIRES, fired


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mummy's boyfriend hurt me", True),
        ("Daddy hit me with his belt", True),
        ("she said he touches her down there", True),
        ("he said he'll hurt me if I tell", True),  # a threat to the child is part of what she disclosed
        ("he touches my private parts", True),
        ("no", False),
        ("nothing", False),
        ("she won't talk about it", False),
        ("she said she fell off the trampoline", False),
        ("she said he never hurts her", False),
        (None, False),
    ],
)
def test_disclosure_in_the_child_said_answer(text: str | None, expected: bool) -> None:
    # The answer to "Has the child said anything?": any statement of harm is the child's own disclosure.
    assert ("disclosure" in {h.indicator for h in find(text, child_said=True)}) is expected


def test_child_said_mode_is_needed_for_a_bare_statement() -> None:
    assert "disclosure" not in fired("he hits me")  # in an account, "me" is the reporter
    assert "disclosure" in fired("he hits me", child_said=True)


@pytest.mark.parametrize(
    "text",
    [
        "SHES IN DANGER",
        "she’s in danger",  # curly apostrophe, as phones type it
        "she‘s in danger",
        "shes in danger",
        "She's In Danger!!!",
    ],
)
def test_case_and_apostrophes_do_not_matter(text: str) -> None:
    hit = danger_now(text)
    assert hit is not None
    assert hit.evidence in text


@pytest.mark.parametrize(
    "text",
    [
        "I havent seen any bruises",
        "I haven’t seen any bruises",
        "I HAVE NOT SEEN ANY BRUISES",
        "i didnt see any marks on him",
        "never seen any injuries on her",
    ],
)
def test_negations_with_any_apostrophe(text: str) -> None:
    assert "injury" not in fired(text)


def test_evidence_is_the_sentence_that_matched() -> None:
    text = "My grandson is 3. Mum's new boyfriend moved in last month.  He had a bruise on his cheek on Sunday!"
    hits = {h.indicator: h.evidence for h in find(text)}
    assert hits["new_partner"] == "Mum's new boyfriend moved in last month."
    assert hits["injury"] == "He had a bruise on his cheek on Sunday!"


def test_evidence_keeps_the_reporters_spelling_and_apostrophes() -> None:
    text = "his mum’s new fella  gave him a blak eye, hes got brusies"
    hits = {h.indicator: h.evidence for h in find(text)}
    assert hits["new_partner"] == text  # verbatim: curly apostrophe, double space and all
    assert hits["injury"] == text


def test_long_evidence_is_cut_to_a_window_round_the_words_that_matched() -> None:
    filler = "we went to the park and then we had our tea and then we watched the telly for a while " * 4
    text = filler + "and I noticed a big bruise on her back when she took her jumper off " + filler
    (hit,) = [h for h in find(text) if h.indicator == "injury"]
    assert len(hit.evidence) <= indicators.MAX_EVIDENCE
    assert "bruise on her back" in hit.evidence
    assert hit.evidence in text
    assert hit.evidence == hit.evidence.strip()
    words = text.split()
    assert hit.evidence.split()[0] in words and hit.evidence.split()[-1] in words  # no half words


_WORDS = sorted({w for _, text in FIRES + DOES_NOT_FIRE for w in text.split()}) + [".", "!", "\n", ",", "’", "  "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=12), max_size=120).map(" ".join), st.booleans())
def test_evidence_is_always_a_verbatim_piece_of_the_text(text: str, child_said: bool) -> None:
    for hit in find_all(text, child_said=child_said):
        assert hit.indicator in INDICATORS
        assert hit.evidence and hit.evidence in text
        assert len(hit.evidence) <= indicators.MAX_EVIDENCE
        assert hit.evidence == hit.evidence.strip()


def test_find_gives_one_hit_per_indicator_in_indicators_order() -> None:
    text = (
        "He hit her again yesterday. Mum's new boyfriend is drunk every night. "
        "He slapped her too. I haven't seen her for weeks. He has a knife."
    )
    hits = find(text)
    names = [h.indicator for h in hits]
    assert names == [i for i in INDICATORS if i in set(names)]
    assert len(names) == len(set(names))
    assert {"injury", "new_partner", "substance", "not_seen", "da_high"} <= set(names)
    assert next(h for h in hits if h.indicator == "injury").evidence == "He hit her again yesterday."


def test_find_all_gives_every_sentence() -> None:
    text = "He hit her. He slapped her too."
    assert [h.evidence for h in find_all(text) if h.indicator == "injury"] == ["He hit her.", "He slapped her too."]


@pytest.mark.parametrize("text", [None, "", "   ", "\n", "ok", "yes", "don't know", "Leeds", "she is 7"])
def test_nothing_to_find(text: str | None) -> None:
    assert find(text) == []
    assert danger_now(text) is None


def test_danger_now_returns_the_hit() -> None:
    assert danger_now("he is hitting her right now") == Hit("danger_now", "he is hitting her right now")
    assert danger_now("he hit her last week") is None


def test_a_past_event_and_danger_now_in_one_sentence() -> None:
    # The past clause does not cancel the present one.
    hit = danger_now("he beat her last night and she's in danger now")
    assert hit is not None


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("boyfriend", True),
        ("mums boyfriend", True),
        ("her stepdad", True),
        ("step-dad", True),
        ("mum's partner", True),
        ("Mum’s new fella", True),
        ("Boyfriend", True),
        ("dad", False),
        ("her boyfriend", False),  # the child's own boyfriend
        ("my partner", False),
        ("a man from the pub", False),
        ("uncle", False),
        ("grandad", False),
        ("don't know", False),
        (None, False),
    ],
)
def test_parents_partner_in_the_relationship_answer(answer: str | None, expected: bool) -> None:
    hit = parents_partner(answer)
    assert (hit is not None) is expected
    if hit is not None:
        assert hit.indicator == "new_partner" and hit.evidence in answer


def test_concern_types_are_sorted_unique_codes() -> None:
    texts = [
        "He hit her. She has bruises.",
        "mum's new boyfriend strangled her mum",
        "she's drunk and they keep her off school",
        "he is hitting her right now",
    ]
    assert concern_types(texts) == [
        "child_not_seen",
        "domestic_abuse",
        "new_partner",
        "parental_substance_misuse",
        "physical_injury",
    ]


def test_concern_types_ignore_indicators_that_are_not_concerns() -> None:
    assert concern_types(["she's in danger", "nobody came", "only 10 weeks old"]) == []
    assert concern_types([]) == []
    assert concern_types(["he touched her private parts"]) == ["sexual_abuse"]


def test_a_text_is_scanned_once_and_each_caller_gets_its_own_list(monkeypatch):
    import bot.indicators as module

    text = "His mum's new boyfriend hits him and he has bruises, seen on visit 7731"
    scans = []
    real_scan = module._scan
    monkeypatch.setattr(module, "_scan", lambda t, child_said: scans.append(t) or real_scan(t, child_said))
    module._scan_once.cache_clear()
    first = module.find_all(text)
    first.append("something the caller added")
    again = module.find_all(text)
    assert scans == [text]  # sealing asks several times; scanned once
    assert "something the caller added" not in again and again == first[:-1] and again
    assert module.find_all(text, child_said=True) is not None and scans == [text, text]  # its own rules
