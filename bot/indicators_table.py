"""The indicator table: which words raise which safeguarding indicator.

This is the data half of ``bot.indicators``: the building blocks written <NAME> in the patterns,
every indicator's rules, and the patterns that disclosure and ``parents_partner`` read. It stands
apart from the scanner because the wording is what changes most and what a safeguarding lead
reviews; the matching machinery (negation, clauses, evidence) rarely changes. Other modules import
``bot.indicators``, never this one.

Each indicator is a short list of regular expressions over everyday British English, as a worried
grandparent might type it on a basic phone: any case, ' or ’ (or no apostrophe at all), little
punctuation, common misspellings. Wording that is not caught is listed in
``tests/bot/test_indicators_table.py`` (``test_not_caught``) so gaps are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

INDICATORS = (
    "danger_now", "injury", "sexual", "da_high", "domestic_abuse", "new_partner",
    "substance", "not_seen", "no_response", "disclosure", "non_mobile",
)
CONCERN_TYPES: dict[str, str] = {
    "injury": "physical_injury",
    "sexual": "sexual_abuse",
    "da_high": "domestic_abuse",
    "domestic_abuse": "domestic_abuse",
    "new_partner": "new_partner",
    "substance": "parental_substance_misuse",
    "not_seen": "child_not_seen",
}

# Building blocks, written <NAME> inside the patterns below.
_WORDS = {
    # The child (or children) as the object of a verb. A capitalised name counts too: "hit Jayden".
    "OBJ": r"(?:him|her|them|me|us|the\s+(?:baby|babies|kids?|children|child|boys?|girls?|twins|little\s+ones?)"
    r"|(?:my|his|her|their)\s+(?:little\s+|baby\s+)?(?:grand(?:son|daughter|child|children|kids?)|niece|nephew"
    r"|son|daughter|brother|sister|kids?|children|baby|boy|girl)"
    r"|(?!<ADULT>|(?:The|And|But|Then|When|This|That|There|They|Last|Yesterday|Today|Tonight|Again|Because|With)\b)"
    r"(?-i:[A-Z][a-z]{2,}))",
    # Adults in the home: "hits her mum" is domestic abuse, not an injury to the child.
    "ADULTW": r"(?:mum|mam|mom|mummy|mommy|mother|ma|wife|missus|misses|mrs|partner|girlfriend|gf|boyfriend|bf"
    r"|husband|fella|dad|daddy|father|step\s?-?(?:mum|dad)|nan|nana|nanny|gran|grandma|grandad)",
    "ADULT": r"<ADULTW>\b(?!'|s\b)",
    # Someone else's harm or a threat, just before an injury word: "Mum has a black eye", "he'd hit her".
    "NOTCHILD": r"\b(?:(?:her|his|their|the)\s+)?<ADULTW>(?:'s\s+(?:face|eye|arm|neck|body|head))?(?:(?:'?s|\s+(?:has|had"
    r"|is|was|got|gets|with))(?:\s+(?:a|an|some|got|been|big|bad|nasty|massive|huge|few|new|fresh|lots\s+of|loads\s+of"
    r"|covered\s+in|two|three|several|another|more)){0,3})?|\bgave\s+(?:her\s+|his\s+|their\s+)?<ADULTW>(?:\s+\w+)?",
    "THREAT": r"(?:'d|'ll|\bll|\bwould|\bwill|\bgoing\s+to|\bgonna|\bgunna|\bthreat\w*\s+to|\bwants?\s+to)",
    "PARENT": r"(?:(?:his|her|their|the|my|the\s+kids'?)\s+)?(?:mum|mam|mom|mummy|mommy|mother|ma|dad|daddy|father)",
    "PARTNER": r"(?:boy\s?fri?e?i?nd|boyfreind|bf|girl\s?fri?e?i?nd|gf|partner|fella|feller|fellow|bloke|man|husband|wife"
    r"|missus|woman|lad|chap)",
    "NUM": r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|a\s+few|a\s+couple\s+of)",
    "NOW": r"(?:\bright\s+now\b|\brite\s+now\b|\bas\s+we\s+speak\b|\bthis\s+(?:minute|second|moment)\b"
    r"|\bat\s+this\s+moment\b|\brn\b|^\W*(?:please\s+)?help\b)",
    "SOON": r"(?:(?<!every\s)\bnow\b(?!\s+and\s+(?:then|again))|\bcurrently\b|\bat\s+the\s+moment\b|\batm\b|\btonight\b)",
    "PAST": r"(?:\bwas(?!\s+told)\b|\bwere(?!\s+told)\b|\bhad\b|\bbeen\b|\bused\s+to\b|\bonce\b|\byesterday\b|\bago\b"
    r"|\blast\s+(?:night|week|month|year|time|summer|winter|christmas|weekend)\b|\bpreviously\b|\bin\s+the\s+past\b)",
    "HABIT": r"(?:\bevery\b|\balways\b|\ball\s+the\s+time\b|\bkeeps\b|\bkept\b|\boften\b|\bregularly\b|\busually\b"
    r"|\bsometimes\b|\bwhenever\b|\bconstantly\b)",
    "AGENCY": r"(?:social\s+(?:services|workers?)|socials|\bss\b|children'?s\s+services|council|police|school|teachers?"
    r"|nspcc|\bmash\b|health\s+visitors?|\bgp\b|doctors?|\breferr\w*)",
    "REPORTED": r"(?:<AGENCY>|\breport\w*|\btold\b|\brang\b|\bcalled\b|\bphoned\b|\brung\b|\bcontacted\b|\bemailed\b)",
}


def _rx(pattern: str) -> re.Pattern[str]:
    for _ in range(3):  # building blocks may use other building blocks
        pattern = re.sub(r"<([A-Z]+)>", lambda m: _WORDS[m[1]], pattern)
    return re.compile(pattern, re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None = None  # must also be somewhere in the sentence
    unless: re.Pattern[str] | None = None  # must not be in the match's clause
    not_after: re.Pattern[str] | None = None  # must not end the clause text just before the match
    negatable: bool = True
    check: Callable[[re.Match[str]], bool] | None = None


def _r(pattern: str, needs: str | None = None, unless: str | None = None, not_after: str | None = None,
       negatable: bool = True, check: Callable[[re.Match[str]], bool] | None = None) -> Rule:
    return Rule(_rx(pattern), needs and _rx(needs), unless and _rx(unless),
                not_after and _rx("(?:" + not_after + r")\s*$"), negatable, check)


_VIOLENT_ING = (r"\b(?<!been\s)(?:hitting|hiting|beating|battering|attacking|hurting|punching|kicking|strangl\w*ing"
                r"|choking|choaking|throttling|stabbing|smacking|slapping|killing|laying\s+into|fighting|smashing)\b")
_WEAPON = (r"(?:knife|knifes|knives|knive|blade|machete|gun|guns|shotgun|rifle|pistol|firearm|crossbow|sword|axe"
           r"|hatchet|baseball\s+bat|cricket\s+bat|knuckle\s?dusters?|taser|weapons?)")
_HAS_WEAPON = (r"\b(?:has|have|'s|s|got|holding|waving|with|carrying|grabbed|pulled\s+out|brandishing)\s+(?:got\s+)?"
               r"(?:a|an|the|his|her)?\s*" + _WEAPON + r"\b")
_MONTHS_OLD = r"\b(<NUM>)\s*-?\s*(?:months?|mths?|mnths?|mo)\s*-?\s*old\b"
_NUMBER_WORDS = {w: i for i, w in enumerate("one two three four five six".split(), 1)}


def _at_most_six_months(m: re.Match[str]) -> bool:
    # NICE CG89: babies who are not yet independently mobile; most crawl at around 6-10 months.
    # Older babies are covered by the age question (under 1) or by "not crawling yet".
    n = m[1].lower()
    return (int(n) if n.isdigit() else _NUMBER_WORDS.get(n, 1 if n == "a" else 99)) <= 6


RULES: dict[str, list[Rule]] = {
    "danger_now": [
        _r(r"\bin\s+(?:immediate\s+|real\s+|serious\s+|grave\s+|great\s+)?danger\b", unless="<PAST>"),
        _r(r"\bhappening\s+(?:right\s+)?now\b|\bit'?s\s+happening\b", unless="<PAST>"),
        _r(r"\b(?:it'?s|this\s+is)\s+an\s+emergency\b", unless="<PAST>"),
        # "He is going to kill her", but not "he said he's going to kill her" (a threat: da_high).
        _r(r"\b(?:going\s+to|gonna|gunna|about\s+to|trying\s+to|tryin\s+to)\s+(?:kill|murder|stab|strangle|hurt|hit"
           r"|attack|batter|beat)\b",
           unless=r"\b(?:said|says|saying|told|tells|threaten\w*|if|one\s+day|someday|eventually)\b|<PAST>|<HABIT>"),
        _r(r"\b(?:can|i)\s+(?:hear|see)\s+(?:\w+\s+){0,3}?(?:hitting|screaming|beating|attacking|hurting)\b", unless="<PAST>"),
        _r(r"\b(?:not|isn'?t|aren'?t|un)\s*safe\b|\bdon'?t\s+know\s+if\s+(?:she|he|they)(?:'?s|\s+is|'re|\s+are)\s+safe\b",
           needs="<NOW>|<SOON>", unless="<PAST>"),
        _r(_VIOLENT_ING, needs="<NOW>", unless="<PAST>"),
        _r(_VIOLENT_ING, needs="<SOON>", unless="<PAST>|<HABIT>"),
        _r(_HAS_WEAPON, needs="<NOW>|<SOON>", unless="<PAST>"),
        _r(r"\b(?:kicked|kicking|smashed|smashing|broke|broken|breaking|forced|forcing)\s+(?:(?:the|her|their)\s+door\s+(?:in|down)"
           r"|(?:his|their)\s+way\s+in|in)\b", needs="<NOW>|<SOON>", unless="<PAST>"),
    ],
    "injury": [
        _r(r"\b(?:bruis\w*|bruz\w*|brus(?:e|es|ed|ing)\b|bruize\w*|brusies|black\s+eyes?|fat\s+lip|split\s+lip|welts?\b"
           r"|fractur\w*|(?:broken|broke|brocken)\s+(?:arm|leg|wrist|bones?|ribs?|nose|fingers?|ankle|collar\s?bone|jaw|skull)"
           r"|bite\s+marks?|bitten|injur(?:y|ies|ed)|(?:red|finger|hand|belt|slap|grip|strap|scratch|nail|bite|fingertip)\s?marks?"
           r"|marks?\s+(?:on|all\s+over|round|around)\s+(?:his|her|their|the)\b|scratch(?:es|ed)\b|grazes?\b|swollen|swelling"
           r"|bleeding|lumps?\s+on\s+(?:his|her|their)\s+head|cuts?\s+(?:on|to|across|all\s+over)\b"
           r"|(?:a|some|deep|big|nasty|bad)\s+cuts?\b|cut\s+(?:lip|head|face|eye)|limp(?:ing)?\b|concussion"
           r"|burns?\s+(?:on|to|all\s+over|marks?)|burn\s+marks?|(?:cigarette|cig|iron)\s+burns?|a\s+burn\b|scald\w*"
           r"|scold\w*\s+(?:with|by)\s+(?:hot|boiling)|good\s+hiding|leathering|thrashing|left\s+(?:a\s+)?(?:marks?|bruises?))",
           not_after="<NOTCHILD>"),
        _r(r"\b(?:hit|hits|hitting|hiting|smack\w*|slap\w*|punch\w*|kick(?:s|ed|ing)?|beat|beats|beaten|beating|batter\w*"
           r"|whack\w*|belt(?:ed|s|ing)|thump\w*|hurt|hurts|hurting|pinch\w*|bit|bites|burnt|burned|scald\w*|stamp(?:ed|s)\s+on"
           r"|shook|shakes?|shaken|shaking|attack(?:s|ed|ing)?|wack(?:s|ed|ing)|whip\w*|bash(?:es|ed|ing)?)\s+<OBJ>"
           r"(?!\s+<ADULT>|\s+(?:feelings|head|hand|hands|at\s+\w+)\b)",
           not_after="<THREAT>"),
        _r(r"\b(?:uses|used|using|took|takes)\s+(?:a|the|his|her)\s+(?:belt|slipper|stick|cane|wooden\s+spoon)\s+(?:on|to)\s+<OBJ>"),
        _r(r"\b(?:threw|throws?|thrown|throwing|pushed|pushes|shoved|dragged|drags)\s+<OBJ>(?!\s+<ADULT>)\s+(?:\w+\s+)?"
           r"(?:against|across|at|down|on|onto|into|over|off|to\s+the\s+(?:floor|ground))\b", not_after="<THREAT>"),
        _r(r"\b(?:been|was|were|gets?|getting|got|being)\s+(?:hit|smacked|slapped|punched|kicked|beaten|battered|whacked"
           r"|hurt|shaken|thrown|pushed|burnt|burned|bitten|belted|scalded)\b",
           not_after="<NOTCHILD>"),
    ],
    "sexual": [
        _r(r"\bsex(?:ual(?:ly)?|ualised|ualized|ually)?\b|\brap(?:e|ed|es|ing|ist)\b|\bmolest\w*|\bpa?edo(?:phile)?s?\b"
           r"|\bnonce\b|\bpervert\w*|\bperv\b|\bgroom(?:ed|ing|s)\b|\bprivate\s+(?:parts|bits|areas?|places)\b|\bprivates\b"
           r"|\bporn\w*|\bdirty\s+(?:films?|videos?|pictures?|pics?|magazines?|mags?)\b|\bnaked\s+(?:pictures?|pics?|photos?"
           r"|videos?|selfies?)\b|\bnudes?\b|\bexpos(?:ed|es|ing)\s+(?:himself|herself)\b|\bcse\b"),
        _r(r"\b(?:inappropriate(?:ly)?|indecent(?:ly)?)\s+(?:touch\w*|photos?|pictures?|images?|behaviou?r|exposure)"
           r"|\btouch\w*\s+(?:<OBJ>\s+)?(?:inappropriate(?:ly)?|down\s+there|between\s+(?:her|his)\s+legs"
           r"|under\s+(?:her|his)\s+(?:clothes|knickers|pants|nightie|pyjamas))"),
        _r(r"\btouch(?:es|ed|ing)\s+(?:her|him|them|me)\b(?!\s+(?:on\s+the|hair|arm|shoulder|hand|head|back|face|cheek|feet))"),
        _r(r"\b(?:made|makes|make|making|forced|forces|forcing|got|gets)\s+<OBJ>\s+(?:to\s+)?(?:undress|get\s+undressed|strip"
           r"|take\s+(?:off\s+)?(?:her|his|their)\s+clothes|get\s+naked|touch\s+(?:him|his)|watch\s+porn)"),
        _r(r"\b(?:fiddl|interfer)(?:ed|es|ing|e)?\s+with\s+<OBJ>|\bdoes\s+(?:things|stuff)\s+to\s+<OBJ>"
           r"|\bflash(?:ed|es|ing)\s+(?:at\s+)?<OBJ>"),
        _r(r"\b(?:watch(?:es|ed|ing)|film(?:s|ed|ing)?|photograph\w*|pictures?\s+of)\s+<OBJ>\s+(?:in\s+the\s+(?:bath|shower)"
           r"|naked|undress\w*|getting\s+changed)"),
    ],
    "da_high": [
        _r(r"\bstrange?l(?!y\b)\w*|\bthrottl\w*|\bsuffocat\w*|\bchoa?k(?:e|ed|es|ing)\b(?!\s+on\b)"),
        _r(r"\b(?:hands?|fingers?|arms?)\s+(?:a?round|on|over)\s+(?:(?:her|his|their|my|the|your)\s+(?:\w+'?s\s+)?"
           r"|\w+'s\s+)(?:neck|throat)"
           r"|\bby\s+(?:the|her|his)\s+(?:neck|throat)\b|\bpillow\s+over\s+(?:her|his|their)\s+face\b"),
        _r(r"\b" + _WEAPON + r"\b(?!\s+and\s+fork)|\bstabb?(?:ed|ing|s)?\b"
           r"|\bwith\s+a\s+(?:hammer|bat|bottle|brick|crowbar|(?:iron|metal)\s+bar)\b",
           not_after=r"\b(?:water|nerf|toy|glue|nail|cap|bubble|butter|plastic)"),
        _r(r"\b(?:going\s+to|gonna|gunna|will|he'?ll|she'?ll|they'?ll|'d|would|wants?\s+to|threat\w*\s+to|try(?:ing)?\s+to"
           r"|tried\s+to|about\s+to)\s+kill\b(?!\s+for\b)|\bdeath\s+threats?\b|\bthreat(?:s|en\w*)?\s+(?:to|of)\s+(?:kill|murder|death)\b"
           r"|\bmurder\w*"),
        _r(r"\bkill(?:s|ed|ing)?\s+(?!me\b)(?:<OBJ>|you|everyone|us\s+all)\b",  # not "it's killing me"
           not_after=r"\b(?:it|it'?s|its|that|that'?s|this)(?:\s+is|\s+was)?"),
    ],
    "domestic_abuse": [
        _r(r"\bdomestic\s+(?:violence|abuse|incidents?|abuser|situation)|\ba\s+domestic\b|\bdomestics\b|(?-i:\bDV\b)"),
        _r(r"\b(?:hit|hits|hitting|beat|beats|beating|beaten|batter\w*|punch\w*|kick(?:s|ed|ing)?|slap\w*|strangl\w*"
           r"|chok\w*|push(?:es|ed|ing)?|shov\w*|attack\w*|assault\w*|abus(?:e|es|ed|ing)|hurt(?:s|ing)?|threaten\w*"
           r"|bull(?:y|ies|ied|ying)|knocks?|knocked)\s+(?:about\s+|around\s+)?"
           r"(?:(?:her|his|their|the|my|the\s+kids'?|the\s+children'?s)\s+)?<ADULT>"),
        _r(r"\b(?:(?:her|his|their|the)\s+)?<ADULTW>(?:'?s|\s+(?:has|had|was|is|got|gets|with|covered|in))+"
           r"(?:\s+(?!<PARTNER>\b)\w+){0,2}?\s+(?:bruis\w*|black\s+eyes?|marks\b|cuts\b|injur\w*|hit|beaten|battered"
           r"|punched|kicked|strangled|attacked|assaulted|slapped)\b"),
        _r(r"\b(?:throws?|threw|throwing|chucks?|chucked|chucking)\s+(?:things|stuff|plates|furniture|chairs?|cups?|objects)"
           r"|\bsmash\w*\s+(?:things|stuff|(?:up\s+)?the\s+(?:house|place|flat)|plates|windows?|doors?)"
           r"|\bpunch\w*\s+(?:(?:a\s+)?holes?\s+in\s+)?(?:the\s+)?(?:walls?|doors?)"),
        _r(r"\bcoercive(?:\s+control)?\b|\bcontrolling\b|\b(?:abusive|violent)\s+(?:relationship|partner|boyfriend|husband"
           r"|man|ex)\b|\bviolent\s+(?:to|towards|with)\s+(?:her|his\s+wife|<PARENT>)\b"),
        _r(r"\b(?:won'?t|doesn'?t|never)\s+let\s+(?:her|mum|his\s+wife)\s+(?:go\s+out|see\s+(?:her\s+)?(?:friends|family)"
           r"|have\s+(?:any\s+)?money|have\s+(?:a|her)\s+phone|leave)|\b(?:takes|took|controls)\s+(?:all\s+)?(?:her|mum'?s)"
           r"\s+(?:money|phone|bank\s+card)", negatable=False),
        _r(r"\b(?:they|parents|mum\s+and\s+(?:dad|him|\w+|(?:her|his)\s+\w+))\s+(?:are\s+)?(?:fight\w*|row\w*|argu\w*)\b",
           needs=r"\b(?:violent|physical|hit\w*|throw\w*|threw|smash\w*|punch\w*|police)\b"),
    ],
    "new_partner": [
        _r(r"\b<PARENT>'?s\s+(?:new\s+)?<PARTNER>\b"),
        _r(r"\bnew\s+(?:boy\s?fri?e?i?nd|bf|partner|fella|bloke|girl\s?friend|gf|man|husband|wife|step\s?-?(?:dad|father|mum))\b"),
        _r(r"\bstep\s?-?(?:dad|father|mum|mother)\b", needs=r"\b(?:moved|moving|new|living|lives|staying|stays)\b"),
        _r(r"\b(?:a|some|this|her|the)\s+(?:man|bloke|guy|fella|lad|woman|<PARTNER>)(?:\s+has|'s|s|\s+who)?\s+"
           r"(?:moved\s+in|moving\s+in|living\s+there|lives\s+there|staying\s+(?:there|over)|stays\s+over)"),
        _r(r"\b(?:has|got|have|'s\s+got|seeing|met)\s+(?:a|an|some)\s+(?:new\s+)?(?:boy\s?friend|bf|fella|bloke|partner|man|girlfriend)\b",
           needs=r"\b(?:mum|mam|mom|mother|dad|father)\b"),
    ],
    "substance": [
        _r(r"\bdrunk\w*|\bpissed\b(?!\s+off)|\bhammered\b(?!\s+(?:on|at))|\blegless\b|\bsloshed\b|\bintoxicated\b"
           r"|\balc?h?o?hol\w*|\bbooz\w*|\bon\s+the\s+(?:drink|booze|piss|sauce|gear)\b|\bvodka\b"
           r"|\bcans\s+of\s+(?:lager|beer|cider|strongbow|special\s+brew|stella|carling|fosters|tennents)"
           r"|\b(?:heavy|problem|binge)\s+drink\w*|\bdrink(?:ing)?\s+problem\b|\baddict\w*|\brehab\b|\bjunkie\b"
           r"|\b(?:smack|crack|coke)\s?heads?\b|\bdruggie\b"),
        _r(r"\bdrink(?:s|ing)\s+(?:all\s+day|every\s+(?:day|night)|heavily|a\s+lot|loads|too\s+much|again|from\s+the\s+morning"
           r"|in\s+the\s+morning|all\s+the\s+time|constantly|with\s+the\s+baby|(?:cans|beer|lager|cider|wine|vodka|spirits))\b"),
        _r(r"\b(?:mum|dad|mother|father|she|he|they)(?:'?s|\s+is|\s+are|'re|re)?\s+(?:always\s+|been\s+|started\s+)?drinking\b"
           r"(?!\s+(?:tea|coffee|water|milk|juice|pop|squash))"),
        _r(r"\bdrugs?\b(?!\s+(?:tests?|from\s+the\s+doctor|prescribed))|\b(?:weed|cannabis|skunk|spice|heroin|heroine|cocaine"
           r"|cocain|ketamine|ket|meth|mdma|ecstasy|methadone|subutex|needles?)\b|\b(?:on|doing|sniff\w*|snort\w*|lines?\s+of)"
           r"\s+(?:coke|crack)\b|\busing\s+again\b|\brelapsed\b|\bcrack\s+(?:pipe|cocaine|den)\b"
           r"|\bsmok\w*\s+(?:crack|weed|spice|dope|pot)\b|\bpopping\s+pills\b"),
        _r(r"\b(?:he|she|they|mum|dad|mother|father)(?:'?s|\s+is|\s+was|\s+gets|\s+are|'re|re)\s+(?:always\s+|so\s+"
           r"|really\s+|often\s+)?(?:high|stoned)\b(?!\s+(?:chair|school|marks|grades|scores?))"
           r"|\boff\s+(?:her|his|their)\s+(?:face|head|tits|nut|trolley|heads|faces)\b|\bout\s+of\s+(?:it|her\s+head|his\s+head)\b"),
    ],
    "not_seen": [
        _r(r"\b(?:haven'?t|hasn'?t|have\s+not|has\s+not|not|hadn'?t|not\s+been\s+able\s+to|no\s*-?\s*one\s+(?:has|'s)|nobody"
           r"\s+(?:has|had|'s))\s+(?:been\s+)?(?:seen|see|saw|clapped\s+eyes\s+on|set\s+eyes\s+on)\s+(?:<OBJ>\s+)?"
           r"(?:for|in|since)\b|\bnot\s+been\s+seen\b|\b(?:nobody|no\s*-?\s*one)(?:\s+has|'s|s)?\s+(?:been\s+)?seen\b"),
        _r(r"\b(?:kept|keeps|keeping|keep|keeps\s+on\s+keeping)\s+(?:<OBJ>\s+)?(?:off|home\s+from|out\s+of|away\s+from)\s+school\b"
           r"|\boff\s+school\s+for\s+(?:weeks|months|ages|a\s+long)\b|\bmissing\s+(?:loads\s+of\s+|a\s+lot\s+of\s+)?school\b"
           r"|\btaken\s+(?:<OBJ>\s+)?out\s+of\s+school\b|\bhome\s?-?\s?school\w*|\bhome\s+educat\w*"
           r"|\b(?:doesn'?t|don'?t|never|won'?t)\s+(?:go|goes|send\s+<OBJ>|take\s+<OBJ>)\s+to\s+school\b", negatable=False),
        _r(r"\b(?:not|isn'?t|hasn'?t|never|not\s+been|hasn'?t\s+been|stopped\s+going)\s+(?:been\s+)?(?:at|in|to|going\s+to"
           r"|attending)\s+school\b",
           needs=r"\b(?:weeks?|months?|days|ages|since|anymore|any\s*more|never|long\s+time|no\s+longer|stopped|term)\b",
           negatable=False),
        _r(r"\b(?:hide|hides|hid|hiding|hidden)\s+(?:<OBJ>)(?=\s*$|\s*[.,;!?]|\s+(?:when|from|away|upstairs|in|whenever|if|so)\b)"
           r"|\b(?:is|are|was|kept|being)\s+hidden\b"),
        _r(r"\b(?:won'?t|wont|doesn'?t|don'?t|didn'?t|refuses?\s+to|never)\s+let\s+(?:me|us|anyone|anybody|any\s*one|the\s+family"
           r"|family|nan|nanny|grandma|grandad|people|the\s+school|the\s+health\s+visitor|social\s+workers?|(?:his|her)\s+\w+)"
           r"\s+(?:see|near|in|visit|speak\s+to|talk\s+to)\b|\bnot\s+allowed\s+to\s+(?:see|visit|speak\s+to|talk\s+to)\b"
           r"|\bstopped\s+(?:me|us|the\s+family)\s+(?:from\s+)?seeing\b|\b(?:won'?t|doesn'?t|never)\s+answers?\s+the\s+door\b"
           r"|\b(?:no\s*-?\s*one|nobody)\s+knows?\s+where\s+(?:she|he|they)\s+(?:is|are)\b", negatable=False),
        _r(r"\b(?:kept|keeps|keep|keeping|locked|locks|lock)\s+(?:<OBJ>\s+)?(?:in|inside)\s+(?:the\s+|her\s+|his\s+|their\s+|a\s+)?"
           r"(?:room|bedroom|house|cupboard|flat)\b"),
    ],
    "no_response": [
        _r(r"\b(?:nobody|no\s*-?\s*one|noone|they\s+never)\s+(?:ever\s+)?(?:came|come|turned\s+up|showed\s+up|came\s+out"
           r"|came\s+round|got\s+back|called\s+back|rang\s+back|phoned\s+back|replied|responded|followed\s+(?:it\s+)?up|listened)\b"
           r"|\b(?:heard\s+nothing|never\s+heard\s+(?:anything|back|a\s+thing)|not\s+heard\s+(?:anything\s+)?back"
           r"|didn'?t\s+hear\s+(?:anything\s+)?back|didn'?t\s+get\s+back\s+to|never\s+got\s+back\s+to|no\s+response|no\s+reply)\b"
           r"|\b(?:closed\s+the\s+case|case\s+(?:was\s+)?closed)\b", negatable=False),
        _r(r"\b(?:nothing\s+(?:happened|was\s+done|came\s+of\s+it|got\s+done|changed)|did\s+nothing|didn'?t\s+do\s+(?:anything"
           r"|nothing)|never\s+did\s+anything|(?:was|were|got|just)\s+ignored|ignored\s+(?:me|us|it))\b",
           needs="<REPORTED>", negatable=False),
        _r(r"\b(?:reported|told|rang|called|phoned|contacted)\s+(?:\w+\s+){0,3}?(?:so\s+many\s+times|loads\s+of\s+times"
           r"|(?:two|three|four|five|six|several|many|\d+)\s+times|over\s+and\s+over|again\s+and\s+again)", needs="<AGENCY>",
           negatable=False),
    ],
    "non_mobile": [
        _r(r"\bnew\s?-?born\b|\b(?:tiny|little|young)\s+baby\b|\b<NUM>\s*-?\s*(?:days?|weeks?|wks?)\s*-?\s*old\b"
           r"|\bborn\s+<NUM>\s+(?:days?|weeks?)\s+ago\b"),
        _r(r"\b(?:only|just)\s+<NUM>\s+(?:days?|weeks?|wks?)\b", unless=r"\b(?:school|for|since|ago|holiday|away)\b"),
        _r(_MONTHS_OLD, check=_at_most_six_months),
        _r(r"\b(?:not|isn'?t|can'?t|cannot|can\s+not|doesn'?t|does\s+not|unable\s+to)\s+(?:yet\s+|even\s+)?(?:crawl|crawling"
           r"|roll(?:ing)?\s+over|sit(?:ting)?\s+up)\b|\bnot\s+(?:yet\s+)?mobile\b|\bnon\s?-?\s?mobile\b|\bimmobile\b"),
        _r(r"\b(?:not|isn'?t|can'?t|cannot|doesn'?t)\s+(?:yet\s+|even\s+)?walk(?:ing)?\b(?=\s+yet\b|\s*[.!?,;]|\s*$|\s+or\s+crawl)"),
    ],
}


# Disclosure: who passes on the child's words, and the harm they tell of (read by the scanner).
SPEECH = re.compile(
    r"\b(?P<who>\w+)\s+(?:has\s+|had\s+|keeps\s+|kept\s+)?(?:said|says|saying|told|tells|telling|mentioned|whispered"
    r"|admitted|confided|cried)\b", re.I)
DISCLOSED = _rx(r"\b(?:he|she|they|<OBJ>)\s+(?:has\s+|have\s+)?(?:disclosed|made\s+a\s+disclosure)")
ADULT_SPEAKERS = {"i", "we", "mum", "mam", "mom", "mother", "dad", "father", "nan", "nanny", "gran", "grandma",
                  "grandad", "police", "teacher", "school", "doctor", "gp", "neighbour", "they", "people", "someone"}
HARM = _rx(r"\b(?:hit|hits|hitting|hurt|hurts|hurting|smack\w*|slap\w*|kick(?:s|ed|ing)?|punch\w*|beat|beats|beaten"
           r"|bash(?:es|ed)?|burn(?:s|t|ed)?|bites?|bit|pinch\w*|strangl\w*|chok\w*|touch(?:es|ed|ing)?|lock(?:s|ed)"
           r"|starves?|starved|throws?|threw|push(?:es|ed)|shoves?|shoved|whack\w*|belt(?:s|ed)|batter\w*|abus(?:e|es|ed)"
           r"|rape[sd]?|grab(?:s|bed))\s+(?P<obj>me|us|him|her|them|<PARENT>|(?:my|his|her)\s+\w+)\b")
ENDS_IN_THREAT = _rx(r"<THREAT>\s+$")
OWN_OBJECT = {"he": {"him", "me", "us"}, "she": {"her", "me", "us"}}
PARENT = _rx("<PARENT>")


# "her boyfriend" / "my partner" in this answer is the child's or the reporter's own, not a parent's.
PARTNER_ANSWER = _rx(r"(?<!\bher\s)(?<!\bhis\s)(?<!\bmy\s)\b(?:boy\s?fri?e?i?nd|bf|girl\s?friend|gf|partner|fella|husband)\b"
                     r"|\bstep\s?-?(?:dad|father|mum|mother)\b")
