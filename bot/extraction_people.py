"""Who is who in a reporter's message: the child's name and age, how she knows the child, and the
person she is worried about.

Each finder takes a ``Message`` (the text as typed, with plain apostrophes, and lower-cased, all
with the same offsets): patterns match the lower-cased form, capitals are checked on the typed
form, and what is returned is her own words. When the words could be about someone else, or two
readings disagree, a finder returns nothing: the bot then simply asks.
"""

from __future__ import annotations

import re

from bot.extraction_age import AGE_PHRASE, NEWBORN, bare_number_can_end_here, has_unit, parse_age
from bot.extraction_text import (
    CHILD_WORDS,
    OTHER_PERSON_WORDS,
    Message,
    is_name_word,
    nearest_person,
    word_search,
    words_found,
    words_of,
)

NAME_TOKEN = r"[^\W\d_]+(?:['-][^\W\d_]+)*"
_NAMES = rf"(?P<name>{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN})?)"

# ---------------------------------------------------------------- the child's name

# "my grandson Tom", "my niece, Amira,", "baby Lily", "the little boy Jayden".
_AFTER_RELATION = re.compile(
    r"(?:grand[ -]?son|grand[ -]?d?aughter|grandchild|grandkid|grandbaby|nephew|niece|"
    rf"godson|goddaughter|godchild|boy|girl|lad|lass|baby)(?P<comma>[ \t]*,)?[ \t]+{_NAMES}"
)
_RELATION_KEYS = ("grand", "nephew", "niece", "god", "boy", "girl", "lad", "lass", "baby")
# "a boy called Jayden", "she's called Mia", "who is named Tom".
_CALLED = re.compile(rf"(?:called|named)[ \t]+{_NAMES}")
_CALLED_SUBJECT = re.compile(r"(?<![\w'])(?P<subj>[\w']+)[ \t]+(?:(?:is|was)[ \t]+)?$")
# "her name is Lily", "my grandson's name's Tom", "the child's name is Oliver Smith".
_NAME_IS = re.compile(
    rf"(?P<poss>his|her|their|the\s+(?:child|boy|girl|baby|kid)'?s|{CHILD_WORDS}'?s)[ \t]+(?:first[ \t]+)?"
    rf"name(?:'s|s|[ \t]+is|[ \t]+was|s[ \t]+is)[ \t]+{_NAMES}"
)
_AFTER_NAME_WITH_COMMA = re.compile(r"\s*(?:[,.!?]|$|is\b|who\b|and\b|'s\b|aged?\b)")
PRONOUN_SUBJECTS = frozenset({"he", "she", "he's", "she's", "hes", "shes", "who", "who's", "whos", "they", "they're"})
CHILD_WORD = re.compile(rf"{CHILD_WORDS}$")
OTHER_WORD = re.compile(rf"{OTHER_PERSON_WORDS}$")


def _name_at(msg: Message, m: re.Match[str]) -> tuple[int, int] | None:
    """Where the validated name in a match is: "Tom", "Tom Smith"; never "Yesterday" or "Leeds"."""
    start = m.start("name")
    words = msg.norm[start : m.end("name")].split()
    first = words[0]
    if first.endswith("'s"):  # "Tom's dad": the name is Tom, and no surname follows
        return (start, start + len(first) - 2) if is_name_word(first[:-2]) else None
    if not is_name_word(first):
        return None
    if len(words) > 1 and is_name_word(words[1]) and not words[1].endswith("'s"):
        return start, m.end("name")
    return start, start + len(first)


def child_name(msg: Message) -> str | None:
    low = msg.low
    found: list[tuple[int, int]] = []
    if msg.has(*_RELATION_KEYS):
        for m in words_found(_AFTER_RELATION, low):
            span = _name_at(msg, m)
            if span is None:
                continue
            if m.group("comma") and not _AFTER_NAME_WITH_COMMA.match(low, span[1]):
                continue  # "my grandson, Tom, is..." but not "my grandson, Thankfully he's fine"
            found.append(span)
    if msg.has("called", "named"):
        for m in words_found(_CALLED, low):
            s = _CALLED_SUBJECT.search(low, max(0, m.start() - 30), m.start())
            subj = s.group("subj") if s else ""
            if subj not in PRONOUN_SUBJECTS and not CHILD_WORD.match(subj):
                continue  # "I called Childline", "the school is called Oakwood"
            if subj in PRONOUN_SUBJECTS and nearest_person(low, m.start()) == "other":
                continue  # "his mum's new fella, he's called Dave"
            span = _name_at(msg, m)
            if span:
                found.append(span)
    if msg.has("name"):
        for m in words_found(_NAME_IS, low):
            if m.group("poss") in ("his", "her", "their") and nearest_person(low, m.start()) == "other":
                continue  # "her new boyfriend, his name is Dave"
            span = _name_at(msg, m)
            if span:
                found.append(span)
    if not found or len({msg.norm[s:e].split()[0] for s, e in found}) > 1:
        return None  # two different names: we cannot tell which child she means
    start, end = max(found, key=lambda span: span[1] - span[0])  # the fullest: "Tom Smith" over "Tom"
    return msg.text[start:end]


# ---------------------------------------------------------------- the child's age

# "he's 3", "she turned 5"; not "he was 2" (then, not now).
_PRONOUN_BE = re.compile(
    r"\b(?:he|she)(?:'s|s)?(?:\s+(?:is|turned|turns|will\s+be|has\s+just\s+turned|just\s+turned|be))?"
    r"(?:\s+(?:only|just|now|aged|age))*\s+$"
)
_NOUN_BE = re.compile(
    r"\b(?P<subj>[\w'-]+?),?(?:'s|\s+is|\s+turned|\s+turns|\s+who'?s|\s+who\s+is|,)(?:\s+(?:only|just|now|aged|age))*\s+$"
)
_AGED = re.compile(r"\b(?:aged?|age\s+is|age\s+of)\s+$")
_OTHER_NEXT = re.compile(rf"\s*(?:{OTHER_PERSON_WORDS})\b")
# How many numbers in one message we look at: enough for any account, bounded for a pasted essay.
_MAX_CANDIDATES = 60


def _age_context_ok(msg: Message, start: int, end: int, phrase: str, name: str | None) -> bool:
    low = msg.low
    before = low[max(0, start - 60) : start]
    if not has_unit(phrase) and not bare_number_can_end_here(low[end : end + 20]):
        return False  # "2 brothers": a bare number must end the way an age does
    if _OTHER_NEXT.match(low, end):
        return False  # "his 5 year old sister", "her 19 year old boyfriend"
    if _PRONOUN_BE.search(before) or _AGED.search(before):
        return nearest_person(low, start, name) != "other"
    m = _NOUN_BE.search(before)
    if m:
        subj = m.group("subj")
        return bool(CHILD_WORD.match(subj) or (name and subj in name.lower().split()))
    # "my 3 year old grandson", "a 14-week-old": an age with "old" describes the next noun.
    return phrase.rstrip().endswith("old") and nearest_person(low, start, name) != "other"


def child_age(msg: Message, name: str | None) -> str | None:
    found: list[tuple[str, float]] = []
    for tried, m in enumerate(AGE_PHRASE.finditer(msg.low)):
        if tried >= _MAX_CANDIDATES or len({years for _, years in found}) > 1:
            break  # a message full of numbers: two ages already, or too many to say which
        phrase = m.group("age")
        years = parse_age(phrase)
        if years is None or not _age_context_ok(msg, m.start(), m.end(), phrase, name):
            continue
        found.append((msg.text[m.start("age") : m.end("age")], years))
    if msg.has("born"):
        for m in NEWBORN.finditer(msg.low):
            if not _OTHER_NEXT.match(msg.low, m.end()):  # not "his newborn sister"
                found.append((msg.text[m.start() : m.end()], 0.0))
    if not found or len({years for _, years in found}) > 1:
        return None
    return found[0][0]


# ---------------------------------------------------------------- how the reporter knows the child

_SELF = r"(?:i'?m|i\s+am|im|as|being|this\s+is)\s+(?:his|her|their|the\s+(?:child|kids?|children)'?s|the|a)\s+"
_KID = r"(?:sons?|daughters?|boys?|girls?|kids?|kiddies|child(?:ren)?|bab(?:y|ies)|little\s+ones?|lads?|lass(?:es)?|twins)"
# Between "my" and "grandson": "my little", "my eldest", "my two", "my 3 year old"; not any words,
# or "my son's partner hits the children" would read as "my son's children".
_KID_MODIFIERS = (
    r"(?:(?:little|baby|wee|young|younger|youngest|older|oldest|eldest|middle|new|newborn|twin|two|three|four|five|"
    r"[0-9]+|[0-9]+[\s-]*(?:year|month|week)s?[\s-]*old|great)[\s-]+){0,3}"
)
_RELATIONSHIP_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (label, keys, re.compile(pattern))
    for label, keys, pattern in (
        ("grandparent", ("grand",), rf"my\s+{_KID_MODIFIERS}grand[\s-]?(?:sons?|d?aughters?|child(?:ren)?|kids?|bab(?:y|ies))\b"),
        ("grandparent", ("son", "daughter"), rf"my\s+(?:son|daughter)'?s\s+{_KID_MODIFIERS}{_KID}\b"),
        (
            "grandparent",
            ("nan", "gran", "grand"),
            rf"{_SELF}(?:great[\s-]*)?(?:nan|nana|nanna|nanny|gran|granny|grandma|grandmother|grandad|granddad|"
            r"grandpa|grandfather|grandparents?|gramps|grandmum|grandmom)\b",
        ),
        ("aunt or uncle", ("nephew", "niece"), rf"my\s+{_KID_MODIFIERS}(?:nephews?|nieces?)\b"),
        ("aunt or uncle", ("brother", "sister", "bro", "sis"), rf"my\s+(?:brother|sister|bro|sis)'?s\s+{_KID_MODIFIERS}{_KID}\b"),
        ("aunt or uncle", ("aunt", "uncle"), rf"{_SELF}(?:great[\s-]*)?(?:aunt|auntie|aunty|uncle)\b"),
        ("neighbour", ("neighbo",), rf"my\s+(?:next[\s-]door\s+)?neighbou?rs?'?s?\s+{_KID_MODIFIERS}{_KID}\b"),
        ("neighbour", ("next",), rf"next[\s-]door'?s\s+{_KID_MODIFIERS}{_KID}\b|the\s+{_KID_MODIFIERS}{_KID}\s+next\s+door\b"),
        (
            "neighbour",
            ("neighbo", "next door"),
            r"(?:i'?m|i\s+am|im)\s+(?:a|their|his|her|the)\s+(?:next[\s-]door\s+)?neighbou?r\b|i\s+live\s+next\s+door\b",
        ),
        (
            "family friend",
            ("friend", "mate", "pal"),
            rf"my\s+(?:best\s+|close\s+|old\s+|good\s+)?(?:friend|mate|pal)'?s\s+{_KID_MODIFIERS}{_KID}\b",
        ),
        ("family friend", ("friend",), r"(?:i'?m|i\s+am|im|as)\s+a\s+(?:close\s+)?(?:family\s+friend|friend\s+of\s+the\s+family)\b"),
        ("godparent", ("god",), rf"my\s+god(?:son|daughter|child)\b|{_SELF}god(?:mother|father|parent|mum|dad)\b"),
    )
)


def reporter_relationship_with_words(msg: Message) -> tuple[str, str] | None:
    """(the category, her words for it: "my granddaughter", "I'm his grandad"), or None."""
    found = [(label, m) for label, keys, pattern in _RELATIONSHIP_PATTERNS
             if msg.has(*keys) and (m := word_search(pattern, msg.low))]
    if len({label for label, _ in found}) != 1:
        return None
    label, m = min(found, key=lambda item: item[1].start())
    return label, msg.text[m.start():m.end()]


def reporter_relationship(msg: Message) -> str | None:
    found = reporter_relationship_with_words(msg)
    return found[0] if found else None


# ---------------------------------------------------------------- the person she is worried about

_MUM = r"(?:mum|mom|mam|mummy|mommy|mammy|mother|ma)"
_DAD = r"(?:dad|daddy|father|da)"
_NEW = r"(?P<new>(?:new|latest|current)\s+)?"
_PARTNER_OF_MUM = (
    r"(?:fella|feller|fellow|boyfriend|boyfreind|boyfrend|boyf|bf|partner|bloke|man|husband"
    r"|other\s+half|chap|guy|hubby|fianc[eé]|lad)"
)
_PARTNER_OF_DAD = r"(?:girlfriend|gf|partner|wife|missus|missis|misses|woman|other\s+half|bird|lady|fianc[eé]e)"

# Each phrase starts at its key word, so the regex engine can skip quickly to it; whose it is
# ("his", "the child's", "Tom's") is read backwards from there. ``owner``: whether one is needed
# ("his dad" is someone; "dad" alone is anyone's), may be there, or must be an article-like word.
_OPTIONAL, _REQUIRED, _ARTICLE = "optional", "required", "article"
_POC_PHRASES: tuple[tuple[str | None, str, str], ...] = (
    ("mother's partner", rf"{_MUM}(?:'s|s|')?\s+{_NEW}{_PARTNER_OF_MUM}\b", _OPTIONAL),
    ("mother's partner", rf"(?:boyfriend|partner|fella|husband|bloke|man)\s+of\s+(?:the|his|her|their)\s+{_MUM}\b", _OPTIONAL),
    ("father's partner", rf"{_DAD}(?:'s|s|')?\s+{_NEW}{_PARTNER_OF_DAD}\b", _OPTIONAL),
    ("stepfather", r"step[\s-]?(?:daddy|dad|father)\b", _OPTIONAL),
    ("stepmother", r"step[\s-]?(?:mummy|mum|mother|mom|mam)\b", _OPTIONAL),
    ("stepbrother", r"step[\s-]?brother\b", _REQUIRED),
    ("stepsister", r"step[\s-]?sister\b", _REQUIRED),
    ("mother's friend", rf"{_MUM}(?:'s|s)\s+friend\b", _OPTIONAL),
    ("father's friend", rf"{_DAD}(?:'s|s)\s+friend\b", _OPTIONAL),
    ("father", rf"{_DAD}\b(?!'|s\b)", _REQUIRED),
    ("father", r"daddy\b(?!'|s\b)", _OPTIONAL),  # a child's word, on its own: "he said daddy hits him"
    ("mother", rf"{_MUM}\b(?!'|s\b)", _REQUIRED),
    ("mother", r"(?:mummy|mommy|mammy)\b(?!'|s\b)", _OPTIONAL),
    ("uncle", rf"uncle\b(?:[ \t]+{_NAMES})?", _OPTIONAL),
    ("aunt", rf"(?:auntie|aunty|aunt)\b(?:[ \t]+{_NAMES})?", _OPTIONAL),
    ("grandfather", r"(?:grandad|granddad|grandpa|grandfather|gramps)\b", _REQUIRED),
    ("grandmother", r"(?:nan|nana|nanna|gran|granny|grandma|grandmother)\b", _REQUIRED),
    ("brother", r"brother\b", _REQUIRED),
    ("sister", r"sister\b", _REQUIRED),
    ("cousin", r"cousin\b", _REQUIRED),
    ("babysitter", r"baby[\s-]?sitter\b", _ARTICLE),
    ("childminder", r"child[\s-]?minder\b", _ARTICLE),
    ("lodger", r"lodger\b", _ARTICLE),
    ("foster carer", r"foster\s+(?:carer|dad|mum|father|mother|parent)s?\b", _ARTICLE),
    # Who this is to the child is not clear from the words: keep the words, ask the question.
    (
        None,
        r"(?:boyfriend|boyfreind|boyfrend|fella|feller|bloke|man|partner|guy|husband|girlfriend|wife)\b",
        _ARTICLE,
    ),
    (None, r"(?:neighbou?r|family\s+friend)\b", _ARTICLE),
)
_POC_REGEXES = tuple((rel, re.compile(pattern), owner) for rel, pattern, owner in _POC_PHRASES)
_OWNER_BEFORE = re.compile(
    r"(?<![\w'])(?:(?P<poss>his|her|their|the|the\s+(?:child|kids?|children|baby|boy|girl)'?s?|(?P<named>[a-z][\w-]*)'s)"
    r"|(?P<article>a|this|that|my\s+(?:daughter|son)'?s))\s+"
    r"(?:(?:real|biological|birth|older|big|elder|younger|little|half|new)[\s-]+){0,2}$"
)
_NOT_OWNERS = frozenset("mum mam mom mother dad father it he she that what who there here".split())


def _poc_spans(msg: Message) -> list[tuple[int, int, str | None]]:
    low = msg.low
    spans: list[tuple[int, int, str | None]] = []
    for rel, pattern, owner_rule in _POC_REGEXES:
        for m in pattern.finditer(low):
            start = m.start()
            if start and (low[start - 1].isalnum() or low[start - 1] == "-"):
                continue  # inside a word: "man" in "woman", "nan" in "banana"
            o = _OWNER_BEFORE.search(low, max(0, start - 40), start)
            if o and o.group("named"):
                named_owner = msg.norm[o.start("named") : o.end("named")]
                if o.group("named") in _NOT_OWNERS or not is_name_word(named_owner):
                    o = None  # "mum's dad" is not "Tom's dad"
            if owner_rule == _REQUIRED and not (o and (o.group("poss") or o.group("named"))):
                continue  # "dad" alone could be anyone's
            if owner_rule == _ARTICLE and not o:
                continue
            if o and o.group("article") and owner_rule != _ARTICLE:
                o = None  # "a" before "mum's boyfriend" is not part of whose he is
            begin = o.start() if o else start
            end = m.end()
            groups = m.groupdict()
            if "name" in groups:
                # "uncle Dave" or "his uncle": an uncle with neither a name nor an owner is no one in particular.
                named = False
                if groups["name"]:
                    first = msg.norm[m.start("name") : m.end("name")].split()[0]
                    named = is_name_word(first)
                    end = m.start("name") + len(first) if named else len(low[: m.start("name")].rstrip())
                if not named and not o:
                    continue
            if any(s <= begin < e or begin <= s < end for s, e, _ in spans):
                continue  # inside a longer, more specific phrase found first
            rel_here = rel
            if rel in ("mother's partner", "father's partner") and groups.get("new"):
                rel_here = rel.replace("'s ", "'s new ")
            spans.append((begin, end, rel_here))
    return spans


_HARM = words_of(
    r"""
    hit hits hitting hurt hurts hurting beat beats beating beaten batters battered battering smack smacks
    smacked smacking slap slaps slapped slapping kick kicks kicked kicking punch punches punched punching
    push pushes pushed pushing shove shoves shoved grab grabs grabbed grabbing shake shakes shaking shook
    throws threw thrown chokes choked choking strangle strangles strangled strangling burns burned burnt
    bites bit pinches pinched whacks whacked thumps thumped belts belted abuse abuses abused abusing
    touches touched touching shouts shouted shouting screams screamed screaming yells yelled yelling
    swears threaten threatens threatened threatening scares scared frightens frightened terrifies terrified
    bullies bullied bullying neglects neglected starves starved locks locked drinks drinking drunk drugs
    violent rough aggressive nasty cruel horrible vicious dangerous mean grooming groomed rape raped
    molested sexual sexually inappropriate hates leaves\s+(?:him|her|them) left\s+(?:him|her|them) kills stabbed
    punishes punished harms harmed using uses injecting injects
    smokes\s+(?:weed|crack|spice|drugs|cannabis|skunk|heroin)
    smoking\s+(?:weed|crack|spice|drugs|cannabis|skunk)
    attacks attacked assaults assaulted
    """
)
_FILLER = (
    r"(?:has|have|had|is|was|keeps|kept|always|often|sometimes|regularly|constantly|also|then|just|been|will|"
    r"would|used|to|being|gets|got|can|be|does|did|really|so|very|quite|too|even|still|apparently|seems)"
)
# On the typed text (``norm``): a capitalised name may sit between ("his uncle, Dave, hits him").
_HARM_AFTER = re.compile(
    rf"[ \t]*,?[ \t]*(?:(?:(?-i:[A-Z])[\w']*|who|that|he|she|they)[ \t]*,?[ \t]+)?(?:{_FILLER}[ \t]+){{0,4}}{_HARM}\b",
    re.IGNORECASE,
)
_HARM_BEFORE = re.compile(
    r"(?:scared|afraid|frightened|terrified|worried|concerned|worry|fear|wary|nervous)\s+(?:of|about)\s+$"
    r"|\b(?:it'?s|it\s+is|it\s+was|its|because\s+of|problem\s+is|issue\s+is)\s+$"
)
_SELF_BEFORE = re.compile(r"\b(?:i'?m|i\s+am|im|as|being|this\s+is|me\s+and|and\s+me)\s+$")
# A message that is nothing but the person ("her stepdad", "he's her stepdad", "uncle Dave").
_BARE_LEAD = re.compile(
    r"\s*(?:(?:it'?s|it\s+is|it\s+was|its|probably|i\s+think(?:\s+it'?s)?|mainly|mostly|he'?s|she'?s|he\s+is|she\s+is"
    r"|hes|shes)\s+)?"
)


def person_of_concern(msg: Message) -> tuple[str, str | None, int] | None:
    """(her words for the person, the relationship to the child or None, where the words start).

    Only a person she is clearly worried about: someone who "hits", "hurts", "is rough with"...,
    someone she is "scared of", or a message that names nobody else ("her stepdad"). A mere
    mention ("he lives with his mum and dad") is not a person of concern.
    """
    low = msg.low
    flagged: list[tuple[int, int, str | None]] = []
    lead = _BARE_LEAD.match(low)
    for start, end, rel in _poc_spans(msg):
        if _SELF_BEFORE.search(low[max(0, start - 12) : start]):
            continue  # "I'm his uncle": the reporter, not the person of concern
        bare = lead is not None and lead.end() == start and not low[end:].strip(" \t.!?")
        if bare or _HARM_AFTER.match(msg.norm, end) or _HARM_BEFORE.search(low[max(0, start - 30) : start]):
            flagged.append((start, end, rel))
    if not flagged or len({low[s:e] for s, e, _ in flagged}) > 1:
        return None  # nobody, or two different people: ask rather than pick one
    start, end, rel = flagged[0]
    return msg.text[start:end], rel, start
