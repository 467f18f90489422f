"""What a reporter would notice about how her words are read.

- She is not asked again for something she has already said clearly.
- Nothing is put in her mouth: no guessed age, no invented name, no place taken for a name,
  and every fact quoted back is her own words.
- "Don't know" is always accepted, whatever way she types it.
- Nothing she types (emoji, Arabic, Chinese, a pasted essay) breaks or slows the conversation.
"""

from __future__ import annotations

import sys
import time

import pytest

from bot.extraction import (
    answer_for,
    apply_correction,
    extract_facts,
    is_anonymous,
    is_dont_know,
    parse_age,
    parse_yes_no,
)
from bot.slots import ANONYMOUS, NO, QUESTIONS, UNKNOWN, YES, YES_NO_SLOTS

# ------------------------------------------------------------------ parse_age


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("she's only 14 weeks", 0.27),
        ("about six", 6.0),
        ("he is 3 and a half", 3.5),
        ("18 months", 1.5),
        ("2", 2.0),
        ("two and a bit", 2.0),
        ("nearly 5", 5.0),  # approximate words keep the stated number
        ("she's nearly 5", 5.0),
        ("10 days old", 0.03),
        ("newborn", 0.0),
        ("a new-born", 0.0),
        ("1 year and 3 months", 1.25),
        ("4 not 5", 4.0),  # the corrected value
        ("he's not 5, he's 4", 4.0),
        ("3½", 3.5),
        ("3 1/2", 3.5),
        ("3.5", 3.5),
        ("Four.", 4.0),
        ("nineteen", 19.0),
        ("7", 7.0),
        ("2 years old", 2.0),
        ("4-year-old", 4.0),
        ("3yo", 3.0),
        ("3 y/o", 3.0),
        ("18mths", 1.5),
        ("5ish", 5.0),
        ("a year and a half", 1.5),
        ("six and a half months", 0.54),
        ("2 years 6 months", 2.5),
        ("3 weeks and 2 days", 0.06),
        ("he's a teenager, about 14", 14.0),
        ("born 2019, he's 5", 5.0),  # a year of birth is not an age
        ("she's 14 weeks, born on the 3rd", 0.27),  # nor is a date
        ("SHE IS 2", 2.0),
        ("she’s only 14 weeks", 0.27),  # curly apostrophe, as phones type it
        ("twenty-one", 21.0),
        ("25", 25.0),
    ],
)
def test_parse_age_reads_the_age_she_gave(text: str, years: float) -> None:
    assert parse_age(text) == years


@pytest.mark.parametrize(
    "text",
    [
        "a baby",
        "toddler",
        "don't know",
        "teenager",
        "a few months",
        "a couple of years",
        "4 or 5",  # two ages: which one?
        "3-4",
        "14/15",
        "between 3 and 4",
        "he's 3 and his sister is 5",
        "under 1",  # a bound, not an age
        "not yet 1",
        "over 10",
        "at least 3",
        "30",  # over 25: not a child
        "26 years old",
        "2 brothers",  # a number that counts something else
        "he's in year 3",  # a school year
        "about 2 weeks ago",  # when, not how old
        "for 2 or 3 weeks",
        "no one knows",
        "just a mo",
        "5:30",
        "2019",
        "07700 900123",
        "",
        "   ",
        "😀",
        "مرحبا ٣",  # Arabic-Indic digits are not read as an age
        "他三岁",
        "\u202eأنا قلق\u202c",
    ],
)
def test_parse_age_never_guesses(text: str) -> None:
    assert parse_age(text) is None


# ------------------------------------------------------------------ is_dont_know


@pytest.mark.parametrize(
    "text",
    [
        "don't know",
        "Don't know",
        "dont know",
        "Don’t know",
        "do not know",
        "I don't know.",
        "I do not know",
        "no idea",
        "No idea!",
        "not sure",
        "I'm not sure",
        "im not sure",
        "skip",
        "Skip this one",
        "pass",
        "dunno",
        "idk",
        "IDK",
        "I'd rather not say",
        "I’d rather not say",
        "prefer not to say",
        "sorry, I really don't know",
        "no idea where they live",
        "I don't know his name",
        "I can't remember",
        "can't remember",
        "no clue",
        "haven't a clue",
        "unknown",
        "next question",
        "  dont know  ",
    ],
)
def test_every_way_of_saying_dont_know_is_accepted(text: str) -> None:
    assert is_dont_know(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tom",
        "yes",
        "no",
        "know",
        "I don't know his name, he's the little boy at number 12",  # she told us something: keep it
        "not sure, maybe 5",
        "I know exactly",
        "Leeds",
        "",
        "😀",
        "x" * 1000,
    ],
)
def test_an_answer_with_content_is_not_a_dont_know(text: str) -> None:
    assert not is_dont_know(text)


# ------------------------------------------------------------------ parse_yes_no


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", YES),
        ("Yes.", YES),
        ("YES!!!", YES),
        ("y", YES),
        ("yeah", YES),
        ("yep", YES),
        ("yesss", YES),
        ("aye", YES),
        ("yes he does", YES),
        ("Yes, send it", YES),
        ("I think so", YES),
        ("he does", YES),
        ("she has bruises", YES),
        ("it is", YES),
        ("probably", YES),
        ("👍", YES),
        ("no", NO),
        ("No.", NO),
        ("nope", NO),
        ("n", NO),
        ("nah", NO),
        ("no he doesn't", NO),
        ("no he doesn’t", NO),
        ("not that I know", NO),
        ("not that I know of", NO),
        ("I don't think so", NO),
        ("probably not", NO),
        ("never", NO),
        ("nobody", NO),
        ("she doesn't", NO),
        ("they dont", NO),
        ("i haven't", NO),
        ("it isn't", NO),
        ("it's not safe", NO),
        ("👎🏽", NO),
        ("don't know", UNKNOWN),
        ("not sure", UNKNOWN),
        ("dunno", UNKNOWN),
        ("skip", UNKNOWN),
        ("no idea", UNKNOWN),  # starts with "no" but is a don't-know
        ("maybe", UNKNOWN),
        ("sometimes", UNKNOWN),
        ("yes and no", UNKNOWN),
        ("I don't know, he might", UNKNOWN),
    ],
)
def test_parse_yes_no(text: str, expected: str) -> None:
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize("text", ["he is 4", "Tom", "Leeds", "send it", "okay", "he moved in", "", "😀", "مرحبا"])
def test_parse_yes_no_is_none_when_it_is_not_a_yes_no_answer(text: str) -> None:
    assert parse_yes_no(text) is None


# ------------------------------------------------------------------ is_anonymous


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather stay anonymous",
        "I’d rather stay anonymous",
        "anonymous",
        "Stay anonymous",  # the button
        "I don't want to give my name",
        "I dont want to give my name",
        "no name",
        "No name please",
        "can I stay anonymous?",  # answering the name question, this is her wish
        "I don't want him to know it was me",
        "keep my name out of it",
    ],
)
def test_is_anonymous(text: str) -> None:
    assert is_anonymous(text)


@pytest.mark.parametrize(
    "text",
    ["Jean Smith", "I don't want to be anonymous", "not anonymous", "I'm happy to give my name, it's Jean", "", "😀"],
)
def test_is_not_anonymous(text: str) -> None:
    assert not is_anonymous(text)


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


# ------------------------------------------------------------------ apply_correction


CURRENT = {
    "child_name": "Tom",
    "child_age": "5",
    "child_area": "Bradford",
    "child_school": "St Mary's primary",
    "poc_description": "her dad",
    "poc_relationship": "father",
    "injuries_seen": YES,
    "reporter_relationship": "grandparent",
}


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("no, he's 4 not 5", {"child_age": "4"}),
        ("no, he’s 4 not 5", {"child_age": "4"}),
        ("his name is Tommy not Tom", {"child_name": "Tommy"}),
        ("Tommy not Tom", {"child_name": "Tommy"}),
        ("it's Leeds, not Bradford", {"child_area": "Leeds"}),
        ("no it's Leeds not Bradford", {"child_area": "Leeds"}),
        ("not Bradford, Leeds", {"child_area": "Leeds"}),
        ("the school is Oakwood Academy", {"child_school": "Oakwood Academy"}),
        ("she's a girl called Mia", {"child_name": "Mia"}),
        ("no, she is 2", {"child_age": "2"}),
        ("no, he's 4 and a half", {"child_age": "4 and a half"}),
        ("he is nearly 5 not 4", {"child_age": "nearly 5"}),
        ("he's not 5, he's 4", {"child_age": "4"}),
        ("his name's tommy by the way", {"child_name": "tommy"}),
        ("they moved to Leeds last week", {"child_area": "Leeds"}),
        ("that's wrong, she goes to Oakwood", {"child_school": "Oakwood"}),
        # A new person of concern brings the right relationship with it.
        ("it's her stepdad, not her dad", {"poc_description": "her stepdad", "poc_relationship": "stepfather"}),
        ("I'm her aunt, not her nan", {"reporter_relationship": "aunt or uncle"}),
    ],
)
def test_apply_correction_changes_what_she_corrects(text: str, changes: dict[str, str]) -> None:
    assert apply_correction(text, dict(CURRENT)) == changes


def test_a_correction_replaces_only_the_wrong_part_of_an_answer() -> None:
    current = {"child_area": "the Hillside estate in Bradford", "child_name": "Tom Smith"}
    assert apply_correction("it's Leeds, not Bradford", current) == {"child_area": "the Hillside estate in Leeds"}
    assert apply_correction("Tommy not Tom", current) == {"child_name": "Tommy Smith"}


def test_the_answer_being_corrected_decides_which_question_changes() -> None:
    # "X not Y": Y is matched against what we hold, whatever question it answered.
    assert apply_correction("it's Leeds, not Bradford", {"child_school": "Bradford"}) == {"child_school": "Leeds"}
    assert apply_correction("4 not 5", {"child_age": "nearly 5"}) == {"child_age": "4"}


@pytest.mark.parametrize(
    "text",
    ["no", "yes", "something is wrong", "no, that's wrong", "😀", "", "Leeds not York"],
)
def test_apply_correction_returns_nothing_when_it_cannot_tell(text: str) -> None:
    # The caller then asks what to change, or keeps her words as a note.
    assert apply_correction(text, dict(CURRENT)) == {}


def test_apply_correction_does_not_change_its_input() -> None:
    current = dict(CURRENT)
    apply_correction("no, he's 4 not 5", current)
    assert current == CURRENT


# ------------------------------------------------------------------ answer_for


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("child_name", "Tom", "Tom"),
        ("child_name", "  Oliver Smith  ", "Oliver Smith"),
        ("child_name", "her name is Lily", "Lily"),
        ("child_name", "she's called Mia", "Mia"),
        ("child_name", "don't know", UNKNOWN),
        ("child_name", "I don't know his name, he's the boy at number 12", "I don't know his name, he's the boy at number 12"),
        ("child_name", "it's Tom", "Tom"),
        ("child_name", "it's a boy", "it's a boy"),  # not a name: her words are kept
        ("child_name", "her name is lily", "lily"),
        ("child_age", "about six", "about six"),
        ("child_age", "not sure", UNKNOWN),
        ("household", "  his mum, her boyfriend and a baby sister  ", "his mum, her boyfriend and a baby sister"),
        ("concern_description", "", UNKNOWN),
        ("concern_when", "skip", UNKNOWN),
        ("reporter_name", "Stay anonymous", ANONYMOUS),
        ("reporter_name", "I don't want to give my name", ANONYMOUS),
        ("reporter_name", "skip", UNKNOWN),
        ("reporter_name", "Jean", "Jean"),
        ("reporter_relationship", "Grandparent", "Grandparent"),
        ("injuries_seen", "Yes", YES),
        ("injuries_seen", "👍", YES),
        ("injuries_seen", "there were bruises on his arms", YES),
        ("injuries_seen", "I didn't see any", NO),
        ("injuries_seen", "Don't know", UNKNOWN),
        ("poc_lives_with_child", "he moved in", YES),
        ("poc_lives_with_child", "yes he moved in a few months ago", YES),
        ("poc_lives_with_child", "he stays there most nights", YES),
        ("poc_lives_with_child", "he visits at weekends", NO),
        ("poc_lives_with_child", "he doesn't live there", NO),
        ("poc_lives_with_child", "he's her stepdad", UNKNOWN),  # not a yes or a no: never her words in a yes/no slot
        ("reported_before", "I told the school last year", YES),
        ("reported_before", "not that I know of", NO),
        ("safe_to_contact", "it's safe", YES),
        ("safe_to_contact", "it's not safe", NO),
        ("safe_to_contact", "please don't ring me", NO),
        ("safe_to_contact", "only in the mornings", UNKNOWN),
        ("safe_to_contact", "it's not ok", NO),
        ("parent_aware", "her mum knows nothing about it", NO),
        ("parent_aware", "she knows", YES),
        ("parent_aware", "she doesn't know", NO),
        ("parent_aware", "😀", UNKNOWN),
    ],
)
def test_answer_for(slot: str, text: str, value: str) -> None:
    assert answer_for(slot, text) == value


@pytest.mark.parametrize("slot", sorted(YES_NO_SLOTS))
@pytest.mark.parametrize("text", ["yes", "no", "dunno", "blah blah", "", "مرحبا", "x" * 5000])
def test_yes_no_questions_only_ever_hold_yes_no_or_unknown(slot: str, text: str) -> None:
    assert answer_for(slot, text) in (YES, NO, UNKNOWN)


# ------------------------------------------------------------------ nothing she types breaks anything

ODD_TEXT = [
    "😀😀😀",
    "👍🏽🙏❤️",
    "مرحبا، أنا قلقة على حفيدي",
    "שלום, אני דואגת לנכד שלי",
    "我很担心我的孙子",
    "\u202eabc\u202c",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width characters
    "\x00\x01\x1b[31m",
    "İstanbul İİİ",  # "İ".lower() is two characters long
    "’’’’",
    "-/.½'",
    "\n\n\n",
    "\t",
    " ",
    "",
]


@pytest.mark.parametrize("text", ODD_TEXT)
def test_odd_text_gives_nothing_and_breaks_nothing(text: str) -> None:
    assert extract_facts(text) == {}
    assert parse_age(text) is None
    assert parse_yes_no(text) is None
    assert not is_dont_know(text)
    assert not is_anonymous(text)
    assert apply_correction(text, dict(CURRENT)) == {}
    assert answer_for("child_name", text) in (text.strip(), UNKNOWN)
    assert answer_for("injuries_seen", text) == UNKNOWN


def test_facts_around_other_scripts_are_still_found() -> None:
    facts = extract_facts("😢 my grandson Tom is 3 😢 they live in Leeds مرحبا")
    assert facts["child_name"] == "Tom"
    assert facts["child_age"] == "3"
    assert facts["child_area"] == "Leeds"


# ------------------------------------------------------------------ speed

STORY = (
    "Hello, I don't really know if this is the right place but I'm at my wits end. My granddaughter Lily is only "
    "14 weeks old and I think something is very wrong at home. My daughter has a new boyfriend, he's been there "
    "about two months now and from the start I didn't like the way he talks to her. Last Sunday when I went round "
    "the baby had a mark on her cheek and a bruise on her leg, my daughter said she must have done it in her cot but "
    "babies that age can't move about much can they. He was shouting in the kitchen the whole time I was there and "
    "he told me to mind my own business. My daughter looks frightened and she has lost a lot of weight. They live "
    "on the Hillside estate in Bradford. I rang the health visitor last week but nobody has got back to me yet. I "
    "don't want him to know it was me because I'm scared he will stop me seeing the baby. Please don't ring me in "
    "the evenings, he checks her phone and sometimes mine. I just want someone to check she is safe. Thank you."
)

CALLS = {
    "parse_age": lambda t: parse_age(t),
    "parse_yes_no": lambda t: parse_yes_no(t),
    "is_dont_know": lambda t: is_dont_know(t),
    "is_anonymous": lambda t: is_anonymous(t),
    "extract_facts": lambda t: extract_facts(t),
    "apply_correction": lambda t: apply_correction(t, dict(CURRENT)),
    "answer_for": lambda t: answer_for("poc_lives_with_child", t),
}


HUGE = {
    "prose": (STORY * 110)[:100_000],
    "numbers": "1 " * 50_000,
    "names": "Tom " * 25_000,
    "one letter": "a" * 100_000,
    "emoji": "😀" * 100_000,
    "arabic": "مرحبا " * 17_000,
    "ages": "3 and a " * 12_500,
    "lives": "they live in " * 8_000,
    "told": "I told the school and " * 5_000,
    "grandsons": "my grandson " * 9_000,
    "mums": "his mum's " * 10_000,
    "punctuation": "'-/.½," * 17_000,
    "no stops": "x" * 99_999 + ".",
}


@pytest.mark.parametrize("label", sorted(HUGE))
def test_a_100kb_message_returns_quickly(label: str) -> None:
    text = HUGE[label]
    for name, call in CALLS.items():
        start = time.perf_counter()
        call(text)
        elapsed = time.perf_counter() - start
        # Not a speed target (those live in bench/): a guard against runaway regex backtracking,
        # which takes minutes, not seconds.
        assert elapsed < 5.0, f"{name} on {label}: {elapsed:.2f} s"
