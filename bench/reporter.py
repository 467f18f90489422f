"""A scripted reporter for load: answers whatever FamilyVoice asks until a reference comes back."""

from __future__ import annotations

import re

REFERENCE = re.compile(r"\bFV-[0-9A-Z]{4}-[0-9A-Z]{4}\b")

OPENING = "I'm worried about my grandson Tom, he is 3 and a half"
# A fragment of each question -> the answer a grandmother gives; the read-back first, as it
# quotes her answers, and the combined questions before the single ones they start like.
STORY = "His mum's new fella shouts at him and I saw bruises on his arms on Sunday"
ANSWERS = [
    ("Here is what you told me", "Yes, send it"),
    ("send it as it is", "1"),
    ("What would you like to change", "nothing"),
    ("What is worrying you", STORY),
    ("what has happened", STORY),
    ("anything else about what happened", "No"),
    ("child's name, and how old", "Tom, he is 3 and a half"),
    ("child's name", "Tom"),
    ("How old", "he is 3 and a half"),
    ("town or area", "Leeds LS6, Little Stars nursery"),
    ("school or nursery does", "Little Stars nursery"),
    ("Where is the child now", "At home"),
    ("Where on the child's body", "bruises on both arms, on Sunday, I saw them myself"),
    ("When did this happen? And did you see", "last Sunday, I saw it myself"),
    ("When did this happen", "last Sunday"),
    ("see this yourself", "I saw it myself"),
    ("someone in particular", "his mum's new fella"),
    ("Who is that person to the child", "mum's boyfriend"),
    ("Who lives in the child's home", "his mum, the fella and his baby sister, yes he lives there"),
    ("live with the child", "Yes"),
    ("child said anything", "he said nothing"),
    ("parent know you are telling us", "No, no"),
    ("told anyone about this before", "No"),
    ("How do you know the child", "Grandparent"),
    ("What is your name", "Stay anonymous"),
    ("safe for the team to contact", "No"),
    ("How should", "by phone"),
    ("When is it safe to contact", "mornings"),
    ("parent know", "No"),
]


def next_answer(bot_text: str) -> str | None:
    """What to say next, or None when the report is done (a reference was given)."""
    if REFERENCE.search(bot_text):
        return None
    for fragment, answer in ANSWERS:
        if fragment in bot_text:
            return answer
    return "don't know"
