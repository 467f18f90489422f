"""A scripted reporter for load: answers whatever FamilyVoice asks until a reference comes back."""

from __future__ import annotations

import re

REFERENCE = re.compile(r"\bFV-[0-9A-Z]{4}-[0-9A-Z]{4}\b")

OPENING = "I'm worried about my grandson Tom, he is 3 and a half"
# A fragment of each question -> the answer a grandmother gives.
ANSWERS = [
    ("child's name", "Tom"),
    ("How old", "he is 3 and a half"),
    ("town or area", "Leeds LS6"),
    ("school or nursery does", "Little Stars nursery"),
    ("Where is the child now", "At home"),
    ("what is worrying you", "His mum's new fella shouts at him and I saw bruises on his arms on Sunday"),
    ("When did this happen", "last Sunday"),
    ("seen any injuries", "Yes"),
    ("What did you see", "bruises on both arms"),
    ("child said anything", "he said nothing"),
    ("Who are you worried about", "his mum's new fella"),
    ("How is that person related", "mum's boyfriend"),
    ("live with the child", "Yes"),
    ("Who else lives", "his mum and baby sister"),
    ("told anyone about this before", "No"),
    ("Who was it reported to", "nobody"),
    ("How do you know the child", "Grandparent"),
    ("What is your name", "Stay anonymous"),
    ("safe for the team to contact", "No"),
    ("How should they contact", "by phone"),
    ("When is it safe to contact", "mornings"),
    ("parent know", "No"),
    ("Here is what you told me", "Yes, send it"),
    ("What would you like to change", "nothing"),
]


def next_answer(bot_text: str) -> str | None:
    """What to say next, or None when the report is done (a reference was given)."""
    if REFERENCE.search(bot_text):
        return None
    for fragment, answer in ANSWERS:
        if fragment in bot_text:
            return answer
    return "don't know"
