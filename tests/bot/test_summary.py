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
            "poc_lives_with_child": NO,
            "reporter_name": ANONYMOUS,
        }
    )
    assert "Tom, age 3 and a half, area not known" in text
    assert "Injuries seen: yes." in text
    assert "lives with the child: no" in text
    assert "name anonymous" in text
    assert '"yes" to send it' in text
    assert UNKNOWN not in text


def test_long_answers_are_shortened_so_the_read_back_stays_short():
    text = read_back({"concern_description": "word " * 200})
    worry = next(line for line in text.splitlines() if line.startswith("Your worry"))
    assert len(worry) < 100 and worry.endswith("...")


def test_read_back_is_plain_ascii_for_sms():
    text = read_back({"child_name": "Tom"})
    assert text.isascii()
