"""Facts she volunteers in any message: what she said is not asked again, and nothing is put in
her mouth (no guessed age, no invented name, no place taken for a name; every fact her own words).

Mirrors ``bot.extraction_facts`` and the finders it runs (``extraction_people``,
``extraction_places``, ``extraction_household``, ``extraction_injuries``, ``extraction_reporter``).
"""

from __future__ import annotations

import pytest

from bot.extraction import extract_facts
from bot.slots import ANONYMOUS, NO, QUESTIONS, YES, YES_NO_SLOTS


# ------------------------------------------------------------------ extract_facts: what she said is not asked again


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "My grandson Tom is 3 and a half and his mum's new fella hits him",
            {
                "child_name": "Tom",
                "child_age": "3 and a half",
                "reporter_relationship": "grandparent",
                "poc_description": "his mum's new fella",
                "poc_relationship": "mother's new partner",
            },
        ),
        (
            "I'm worried about my granddaughter Lily, she's only 14 weeks",
            {"child_name": "Lily", "child_age": "14 weeks", "reporter_relationship": "grandparent"},
        ),
        (
            "my niece Amira, she goes to St Mary's primary",
            {"child_name": "Amira", "reporter_relationship": "aunt or uncle", "child_school": "St Mary's primary"},
        ),
        ("they live in Leeds", {"child_area": "Leeds"}),
        ("lives on the Hillside estate in Bradford", {"child_area": "the Hillside estate in Bradford"}),
        ("LS6 2AB", {"child_area": "LS6 2AB"}),
        ("her stepdad", {"poc_description": "her stepdad", "poc_relationship": "stepfather"}),
        ("he's her stepdad", {"poc_description": "her stepdad", "poc_relationship": "stepfather"}),
        ("his dad", {"poc_description": "his dad", "poc_relationship": "father"}),
        ("mum's boyfriend", {"poc_description": "mum's boyfriend", "poc_relationship": "mother's partner"}),
        ("the babysitter", {"poc_description": "the babysitter", "poc_relationship": "babysitter"}),
        ("uncle Dave", {"poc_description": "uncle Dave", "poc_relationship": "uncle"}),
        ("he lives with them", {"poc_lives_with_child": YES}),
        ("he moved in", {"poc_lives_with_child": YES}),
        ("he doesn't live there but visits", {"poc_lives_with_child": NO}),
        ("I reported it to the school last year", {"reported_before": YES, "reported_to": "the school"}),
        ("my neighbour's little boy", {"reporter_relationship": "neighbour"}),
        ("my friend's daughter", {"reporter_relationship": "family friend"}),
        ("his name is Tom", {"child_name": "Tom"}),
        ("she's called Mia", {"child_name": "Mia"}),
        ("a little boy called Jayden", {"child_name": "Jayden"}),
        ("she goes to Little Stars nursery", {"child_school": "Little Stars nursery"}),
        ("Oakwood Academy", {"child_school": "Oakwood Academy"}),
        ("he's 3", {"child_age": "3"}),
        ("my name is Jean Smith", {"reporter_name": "Jean Smith"}),
        ("I'd rather stay anonymous", {"reporter_name": ANONYMOUS}),
        ("please don't ring me, he checks my phone", {"safe_to_contact": NO}),
        ("his mum doesn't know I'm doing this", {"parent_aware": NO}),
        ("he had bruises on his arms and legs", {"injuries_seen": YES}),
        ("there were finger marks on his neck", {"injuries_seen": YES}),
        ("I haven't told anyone", {"reported_before": NO}),
    ],
)
def test_extract_facts_finds_what_she_said(text: str, facts: dict[str, str]) -> None:
    assert extract_facts(text) == facts


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # Slang, missing apostrophes, curly apostrophes, lower case.
        ("mums new boyfriend hits him", {"poc_description": "mums new boyfriend", "poc_relationship": "mother's new partner"}),
        (
            "his mam’s new bloke is rough with him",
            {"poc_description": "his mam’s new bloke", "poc_relationship": "mother's new partner"},
        ),
        ("her dad's girlfriend slaps her", {"poc_description": "her dad's girlfriend", "poc_relationship": "father's partner"}),
        (
            "boyfriend of the mum keeps hitting her",
            {"poc_description": "boyfriend of the mum", "poc_relationship": "mother's partner"},
        ),
        ("he said daddy hits him with a belt", {"poc_description": "daddy", "poc_relationship": "father"}),
        ("I’m his nan", {"reporter_relationship": "grandparent"}),
        ("I'm worried about my grandchildren", {"reporter_relationship": "grandparent"}),
        ("my daughter's little boy", {"reporter_relationship": "grandparent"}),
        ("my sister's kids are left alone", {"reporter_relationship": "aunt or uncle"}),
        ("the kids next door are always crying", {"reporter_relationship": "neighbour"}),
        (
            "I rang social services in March but nobody came back to me",
            {"reported_before": YES, "reported_to": "social services"},
        ),
        ("I told the school and the police", {"reported_before": YES, "reported_to": "the school and the police"}),
        ("my 3 year old grandson", {"child_age": "3 year old", "reporter_relationship": "grandparent"}),
        ("my grandson, Tom, is 4", {"child_name": "Tom", "child_age": "4", "reporter_relationship": "grandparent"}),
        ("my grandson Tom Smith is 4", {"child_name": "Tom Smith", "child_age": "4", "reporter_relationship": "grandparent"}),
        ("they live at m1 1ae", {"child_area": "m1 1ae"}),
        ("they moved to Leeds last week", {"child_area": "Leeds"}),
        ("my grandson lives in Leeds with his mum", {"child_area": "Leeds", "reporter_relationship": "grandparent"}),
        (
            "mums new boyfriend hits him and he moved in last month",
            {"poc_description": "mums new boyfriend", "poc_relationship": "mother's new partner", "poc_lives_with_child": YES},
        ),
        (
            "I'm his uncle and his dad hits him",
            {"reporter_relationship": "aunt or uncle", "poc_description": "his dad", "poc_relationship": "father"},
        ),
        ("my daughter's new boyfriend is rough with the baby", {"poc_description": "my daughter's new boyfriend"}),
        ("I haven't seen any bruises", {"injuries_seen": NO}),
        ("it's not safe to call me", {"safe_to_contact": NO}),
        (
            "my grandaughter Ella, she is 9 months",  # "grandaughter": spelt as she spells it
            {"child_name": "Ella", "child_age": "9 months", "reporter_relationship": "grandparent"},
        ),
        ("he lives with his dad who hits him", {"poc_description": "his dad", "poc_relationship": "father"}),
        ("She lives with her dad in Bradford", {"child_area": "Bradford"}),  # she is the child: her dad is not "them"
        ("I've seen marks on my granddaughter's arms", {"reporter_relationship": "grandparent", "injuries_seen": YES}),
        (
            "Nan here, my grandson Jack is 6 and his stepdad locks him in his room",
            {
                "child_name": "Jack",
                "child_age": "6",
                "reporter_relationship": "grandparent",
                "poc_description": "his stepdad",
                "poc_relationship": "stepfather",
            },
        ),
    ],
)
def test_extract_facts_is_tolerant_of_how_she_types(text: str, facts: dict[str, str]) -> None:
    assert extract_facts(text) == facts


def test_a_long_first_message_fills_many_questions_at_once() -> None:
    story = (
        "Hello, I don't really know if this is the right place. My granddaughter Lily is only 14 weeks old and I "
        "think something is very wrong at home. Last Sunday the baby had a bruise on her leg. They live on the "
        "Hillside estate in Bradford. I rang the health visitor last week but nobody has got back to me. "
        "Please don't ring me in the evenings, he checks her phone and sometimes mine."
    )
    assert extract_facts(story) == {
        "child_name": "Lily",
        "child_age": "14 weeks old",
        "child_area": "the Hillside estate in Bradford",
        "reporter_relationship": "grandparent",
        "reported_before": YES,
        "reported_to": "the health visitor",
        "injuries_seen": YES,
        "safe_to_contact": NO,
    }


# ------------------------------------------------------------------ extract_facts: nothing put in her mouth


@pytest.mark.parametrize(
    "text",
    [
        "Yesterday I saw him crying",  # a sentence-initial word is not a name
        "Leeds is where they live",  # nor is a place
        "my grandson, Leeds is where he lives",
        "my granddaughter, Thankfully she is fine now",
        "Tom is 3",  # a capital alone is not enough
        "I'm worried about Tom",
        "I called Childline",  # "called" the verb
        "the school is called Oakwood",
        "his mum's new fella, he's called Dave",  # the adult's name, not the child's
        "her new boyfriend, his name is Dave",
        "MY GRANDSON HAS BRUISES",  # shouting: capitals mean nothing
        "my grandson tom",  # no capital: we would be guessing
        "my grandsons Tom and Jack",
        "my grandson Tom and granddaughter Lily",  # two children: ask which
        "I don't know his name, he's the little boy at number 12",
        "Hello",
        "",
    ],
)
def test_no_child_name_is_invented(text: str) -> None:
    assert "child_name" not in extract_facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "he's 3 and his sister is 5",  # no: 3 is found, see below
        "his 5 year old sister",
        "her 19 year old boyfriend hits her",
        "his mum's new fella hits him, he's 19",
        "he has 2 brothers",
        "he's in year 3",
        "it started 2 weeks ago",
        "he's a teenager",
        "she's just a baby",
        "he's under 1",
        "he's 4 or 5",
        "I am 67 and my grandson is worrying me",
        "he lives at number 12",
        "it started when he was 2",  # his age then, not now
    ],
)
def test_no_child_age_is_guessed(text: str) -> None:
    facts = extract_facts(text)
    if text.startswith("he's 3 and"):
        assert facts.get("child_age") == "3"  # "he's" is the child; "his sister is 5" is not
    else:
        assert "child_age" not in facts


@pytest.mark.parametrize(
    "text",
    [
        "I live in Leeds",  # her own home
        "we live in Leeds",
        "his dad lives in Bradford",  # someone else's home
        "Dave lives in Leeds",  # we do not know Dave is the child
        "he lives in fear",  # no place words
        "they live in a flat",
        "my postcode is LS6 2AB",  # hers, not the child's
    ],
)
def test_no_child_area_is_guessed(text: str) -> None:
    assert "child_area" not in extract_facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "he lives with his mum and dad",  # a mention, not a worry
        "his dad is lovely",
        "his uncle is lovely",
        "I'm his uncle",  # the reporter
        "I'm her nan",
        "his dad hits him and his mum's new fella shouts at him",  # two people: ask which
        "his dad never hurts him",
    ],
)
def test_no_person_of_concern_is_guessed(text: str) -> None:
    facts = extract_facts(text)
    assert "poc_description" not in facts
    assert "poc_relationship" not in facts


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("I'm going to tell the school", "reported_before"),  # not done yet
        ("should I call the police?", "reported_before"),
        ("he's been to the doctors", "reported_before"),
        ("his dad left", "poc_description"),  # left home: not a harm
        ("my son's partner hits the children", "reporter_relationship"),  # "my son's ... children" is not said
        ("The school said he had a black eye", "child_school"),  # a school, but not one she named
        ("I live at LS6 2AB", "child_area"),  # her address
        ("he got good marks at school", "injuries_seen"),
        ("he said he'd give her a black eye", "injuries_seen"),
        ("my grandson lives there", "poc_lives_with_child"),  # the child, not the person of concern
        ("I don't live with them", "poc_lives_with_child"),
        ("can I stay anonymous?", "reporter_name"),  # a question, not a choice made
        ("my name is not important", "reporter_name"),
    ],
)
def test_other_facts_are_not_guessed(text: str, absent: str) -> None:
    assert absent not in extract_facts(text)


# Messages of every kind, to check properties that must always hold.
CORPUS = [
    "My grandson Tom is 3 and a half and his mum's new fella hits him",
    "I'm worried about my granddaughter Lily, she's only 14 weeks",
    "my niece Amira, she goes to St Mary's primary",
    "lives on the Hillside estate in Bradford",
    "I reported it to the school last year",
    "uncle Dave",
    "mums new boyfriend hits him and he moved in last month",
    "My grandson’s stepdad hits him. They live in Wakefield, WF1 2AB. I told the police.",
    "I'm his nan and I'm scared of her boyfriend",
    "my name is Jean and my grandson Tom's dad hits him",
    "the baby is 6 weeks old and has a bruise on her cheek",
    "Yesterday at Oakwood Academy the teacher saw marks on his arm",
    "my granddaughter Zoë is 2",
    "my grandson Seán is 7",
    "my grandson Tom, aged 4, lives on the Hillside estate",
]


@pytest.mark.parametrize("text", CORPUS)
def test_every_fact_is_her_own_words_or_a_known_value(text: str) -> None:
    normalised = {"reporter_relationship", "poc_relationship"}
    for slot, value in extract_facts(text).items():
        assert slot in QUESTIONS
        if slot in YES_NO_SLOTS:
            assert value in (YES, NO)
        elif slot == "reporter_name" and value == ANONYMOUS:
            pass
        elif slot not in normalised:
            assert value in text, f"{slot}={value!r} is not what she typed"
            assert value == value.strip() and value


def test_names_in_other_alphabets_are_kept_as_typed() -> None:
    assert extract_facts("my granddaughter Zoë is 2")["child_name"] == "Zoë"
    assert extract_facts("my grandson Seán is 7")["child_name"] == "Seán"
