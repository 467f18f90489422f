from bot.slots import ANONYMOUS, NO, UNKNOWN, YES
from bot.summary import read_back


def test_read_back_says_what_she_told_us_and_what_is_unknown():
    text = read_back(
        {
            "child_name": "Tom",
            "child_age": "3 and a half",
            "child_area": UNKNOWN,
            "concern_description": "He has bruises",
            "injuries_seen": YES,
            "poc_description": "his mum's new fella",
            "poc_relationship": "mother's new partner",
            "poc_lives_with_child": NO,
            "reporter_name": ANONYMOUS,
        }
    )
    assert "Child: Tom, age 3 and a half." in text and "Area: not known." in text
    assert "Injuries seen: yes." in text
    assert "his mum's new fella (mother's new partner), lives with the child: no" in text
    assert "name anonymous" in text and "safe to contact" not in text  # anonymous: no contact asked
    assert '"yes" to send it' in text
    assert UNKNOWN not in text


def test_each_child_is_read_back():
    text = read_back({"children": [{"name": "Mason", "age": "8"}, {"name": None, "age": "5"}]})
    assert "Children: Mason (age 8), name not known (age 5)." in text


def test_what_she_did_not_mention_is_left_out_and_the_mash_fields_are_in_when_known():
    text = read_back(
        {"first_language": "Polish", "interpreter_needed": YES, "additional_needs": "autistic"}
    )
    assert "Person of concern" not in text and "Injuries" not in text
    assert "First language: Polish, interpreter: yes." in text and "Needs: autistic" in text


def test_long_answers_are_shortened_so_the_read_back_stays_short():
    text = read_back({"concern_description": "word " * 200})
    worry = next(line for line in text.splitlines() if line.startswith("Your worry"))
    assert len(worry) < 100 and worry.endswith("...")


def test_read_back_is_plain_ascii_for_sms():
    text = read_back({"child_name": "Tom"})
    assert text.isascii()
