"""The indicator table in a relative's own words: what fires, what must not, and the known gaps.

Mirrors ``bot.indicators_table``: a new or changed rule comes with rows here. Each table row is
wording a worried grandparent, aunt or neighbour might really type.
"""

from __future__ import annotations

import pytest

from bot.indicators import CONCERN_TYPES, INDICATORS, find


def fired(text: str, **kwargs: bool) -> set[str]:
    return {h.indicator for h in find(text, **kwargs)}


# indicator, text: each text must raise that indicator.
FIRES = [
    # danger_now: happening now
    ("danger_now", "he is hitting her right now"),
    ("danger_now", "she's in danger"),
    ("danger_now", "Shes in danger please send someone"),
    ("danger_now", "he's attacking them as we speak"),
    ("danger_now", "its happening now"),
    ("danger_now", "It's happening right now!!"),
    ("danger_now", "he's got a knife and he's in the house now"),
    ("danger_now", "help he is going to kill her"),
    ("danger_now", "HELP HES GOING TO KILL HER"),
    ("danger_now", "I can hear him hitting her through the wall"),
    ("danger_now", "the kids are not safe right now he is smashing the place up"),
    ("danger_now", "I don't know if she's safe right now"),
    ("danger_now", "he's beating my grandson rn"),
    ("danger_now", "they are in immediate danger"),
    ("danger_now", "I'm scared he's going to kill her"),
    ("danger_now", "this is an emergency"),
    ("danger_now", "he's kicked the door in and he's in there now"),
    ("danger_now", "please help he's hurting her"),
    ("danger_now", "I think he's going to hurt the baby tonight"),
    # injury
    ("injury", "She has a big bruise on her cheek"),
    ("injury", "he had bruising all down his back"),
    ("injury", "there were brusies on her arms"),  # misspelt
    ("injury", "he came to school with a black eye"),
    ("injury", "she had a burn on her hand like from a cigarette"),
    ("injury", "cigarette burns on his legs"),
    ("injury", "the baby had a bruise on his ear"),
    ("injury", "there were finger marks on his neck"),
    ("injury", "red marks on her legs from a belt"),
    ("injury", "welts on his back"),
    ("injury", "he had a broken arm and they said he fell"),
    ("injury", "the hospital found a fracture"),
    ("injury", "bite marks on her shoulder"),
    ("injury", "he hit him with a slipper"),
    ("injury", "he slapped her across the face"),
    ("injury", "mum punched him"),
    ("injury", "he kicked the boy"),
    ("injury", "dad hurt him"),
    ("injury", "he hit Jayden"),
    ("injury", "he got hit by mum's boyfriend"),
    ("injury", "she's been smacked again"),
    ("injury", "he threw him against the wall"),
    ("injury", "he pushed her down the stairs"),
    ("injury", "he shook the baby"),
    ("injury", "scalded with boiling water"),
    ("injury", "He has a cut on his head"),
    ("injury", "Mum doesn't know he hits her"),
    ("injury", "Mum said he has bruises on his back"),
    ("injury", "she had a mark on her face"),
    ("injury", "my nan saw bruises on him"),
    ("injury", "Mum has seen bruises on his legs"),
    ("injury", "he gave him a good hiding"),
    ("injury", "he grabbed her by the arm and left marks"),
    ("injury", "he uses a belt on him"),
    ("injury", "he's wacked her across the face"),
    # sexual
    ("sexual", "he touched her private parts"),
    ("sexual", "I think its sexual"),
    ("sexual", "she said he raped her"),
    ("sexual", "inappropriate touching"),
    ("sexual", "he touches her inappropriately"),
    ("sexual", "he shows him porn on his phone"),
    ("sexual", "he made her undress"),
    ("sexual", "he watches her in the bath"),
    ("sexual", "he's a known sex offender"),
    ("sexual", "he's been grooming her online"),
    ("sexual", "he sends her nudes"),
    ("sexual", "she told me he touches her"),
    ("sexual", "her uncle does things to her at night"),
    # da_high
    ("da_high", "he strangled her mum"),
    ("da_high", "he put his hands round her neck"),
    ("da_high", "he choked her until she passed out"),
    ("da_high", "he choaked mum"),  # misspelt
    ("da_high", "he grabbed her by the throat"),
    ("da_high", "he keeps a machete under the bed"),
    ("da_high", "he pulled a knife on her"),
    ("da_high", "he's got a gun"),
    ("da_high", "he said he'd kill her"),
    ("da_high", "he threatened to kill her"),
    ("da_high", "hes threatend to kill them all"),
    ("da_high", "he said he will kill the kids"),
    ("da_high", "he stabbed him last year"),
    # domestic_abuse
    ("domestic_abuse", "he hits her mum"),
    ("domestic_abuse", "he beats his wife"),
    ("domestic_abuse", "they fight and he throws things"),
    ("domestic_abuse", "there is domestic violence in that house"),
    ("domestic_abuse", "police were called to a domestic last week"),
    ("domestic_abuse", "he is very controlling"),
    ("domestic_abuse", "he won't let her go out"),
    ("domestic_abuse", "Mum has a black eye"),
    ("domestic_abuse", "mum's got a black eye"),
    ("domestic_abuse", "his mum has bruises all over her arms"),
    ("domestic_abuse", "mum has been hit"),
    ("domestic_abuse", "he punched a hole in the wall"),
    ("domestic_abuse", "my sister is in a violent relationship"),
    ("domestic_abuse", "mum and dad fight all the time and the police come"),
    ("domestic_abuse", "he takes her money"),
    # new_partner
    ("new_partner", "mum's new boyfriend"),
    ("new_partner", "mums new bf is always there"),
    ("new_partner", "his mum’s new fella"),
    ("new_partner", "her dad's girlfriend has moved in"),
    ("new_partner", "there's a new partner"),
    ("new_partner", "stepdad moved in at Christmas"),
    ("new_partner", "a man has moved in with them"),
    ("new_partner", "mum's got a new boyfriend"),
    ("new_partner", "mummy's boyfriend hurt me"),
    ("new_partner", "Mum’s partner"),
    # substance
    ("substance", "mum is always drunk"),
    ("substance", "she's drinking all day"),
    ("substance", "he's on drugs"),
    ("substance", "he smokes weed in front of the kids"),
    ("substance", "smoking weed"),
    ("substance", "she's on heroin"),
    ("substance", "mum was off her face on heroine"),  # the common misspelling
    ("substance", "off her face"),
    ("substance", "dad is an alcoholic"),
    ("substance", "he's an alchoholic"),
    ("substance", "mum is drinking again"),
    ("substance", "he's got a drink problem"),
    ("substance", "there's needles in the flat"),
    ("substance", "mum's boyfriend deals drugs"),
    ("substance", "she's pissed every night"),
    ("substance", "dad's a crackhead"),
    ("substance", "mum has been using again"),
    # not_seen
    ("not_seen", "haven't seen her for weeks"),
    ("not_seen", "I havent seen him since Christmas"),
    ("not_seen", "nobody has seen the baby"),
    ("not_seen", "they keep her off school"),
    ("not_seen", "he's kept off school"),
    ("not_seen", "they hide him when people visit"),
    ("not_seen", "they won't let me see her"),
    ("not_seen", "they wont let anyone see the baby"),
    ("not_seen", "I'm not allowed to see him anymore"),
    ("not_seen", "she hasn't been to school for weeks"),
    ("not_seen", "she doesn't go to school"),
    ("not_seen", "they say they're home schooling him"),
    ("not_seen", "they keep him locked in his room"),
    ("not_seen", "nobody knows where they are"),
    # no_response
    ("no_response", "I told social services and nothing happened"),
    ("no_response", "nobody came"),
    ("no_response", "no one got back to me"),
    ("no_response", "I rang the council and never heard back"),
    ("no_response", "I reported it to the police but they did nothing"),
    ("no_response", "I rang the police three times"),
    ("no_response", "they closed the case"),
    ("no_response", "I told the school and was ignored"),
    # disclosure
    ("disclosure", "he said daddy hits him"),
    ("disclosure", "she told me he touches her"),
    ("disclosure", "My granddaughter told me her mum's boyfriend hurt her"),
    ("disclosure", "Jayden said his dad burns him with cigarettes"),
    ("disclosure", "she said mummy's boyfriend smacks her"),
    ("disclosure", 'he said "daddy hurt me"'),
    ("disclosure", "he told his teacher that his stepdad kicks him"),
    ("disclosure", "he said daddy hits mummy"),
    ("disclosure", "my niece has disclosed to her teacher"),
    # non_mobile
    ("non_mobile", "he's not walking yet"),
    ("non_mobile", "she can't crawl"),
    ("non_mobile", "she can't even crawl yet"),
    ("non_mobile", "he's a newborn"),
    ("non_mobile", "she's a tiny baby"),
    ("non_mobile", "only 10 weeks old"),
    ("non_mobile", "a 3 week old baby"),
    ("non_mobile", "she's 6 weeks old"),
    ("non_mobile", "he is 5 months old"),
    ("non_mobile", "she isn't walking"),
    ("non_mobile", "he's only three weeks"),
]


@pytest.mark.parametrize("indicator, text", FIRES)
def test_fires(indicator: str, text: str) -> None:
    hits = find(text)
    assert indicator in {h.indicator for h in hits}
    hit = next(h for h in hits if h.indicator == indicator)
    assert hit.evidence and hit.evidence in text  # the reporter's own words, verbatim


# indicator, text: near misses, past events, negations. None of these may raise that indicator.
DOES_NOT_FIRE = [
    # danger_now: past, negated, or nothing happening
    ("danger_now", "he hit her last week"),
    ("danger_now", "I was in danger once"),
    ("danger_now", "no danger"),
    ("danger_now", "she's not in danger"),
    ("danger_now", "I don't think she's in danger"),
    ("danger_now", "she's at school right now"),
    ("danger_now", "he was hitting her yesterday"),
    ("danger_now", "he's been hitting her for years"),
    ("danger_now", "he's hitting her every day and now she won't go home"),
    ("danger_now", "he said he's going to kill her"),
    ("danger_now", "if she leaves he's going to kill her"),
    ("danger_now", "he keeps saying he is going to kill her"),
    ("danger_now", "every now and then he shouts"),
    ("danger_now", "he had a knife last year and now he's moved out"),
    ("danger_now", "the baby is asleep now"),
    ("danger_now", "he's not hitting her right now but he will later"),
    ("danger_now", "he kicked the door in last year"),
    # injury
    ("injury", "no bruises"),
    ("injury", "I haven't seen any injuries"),
    ("injury", "I have not seen any bruises or cuts on her"),
    ("injury", "There's no sign of injury"),
    ("injury", "he never hits them"),
    ("injury", "he doesn't hit her"),
    ("injury", "he hits her mum"),
    ("injury", "Mum has a black eye"),
    ("injury", "mum has been hit"),
    ("injury", "Mum's got a black eye"),
    ("injury", "his mum has loads of bruises"),
    ("injury", "he gave her mum a black eye"),
    ("injury", "she shook her head"),
    ("injury", "he said he was going to hit her"),
    ("injury", "she cut her hair"),
    ("injury", "mark is her uncle"),
    ("injury", "she got good marks at school"),
    ("injury", "it hurt her feelings"),
    # sexual
    ("sexual", "nothing sexual has happened"),
    ("sexual", "I don't think it's sexual"),
    ("sexual", "no sexual abuse that I know of"),
    ("sexual", "he touched her on the arm"),
    ("sexual", "she goes down there every weekend"),
    # da_high
    ("da_high", "the baby was choking on a grape"),
    ("da_high", "strangely quiet"),
    ("da_high", "no weapons in the house"),
    ("da_high", "he doesn't have a knife"),
    ("da_high", "she has a water gun"),
    ("da_high", "I'd kill for a cuppa"),
    ("da_high", "it's killing me to watch"),
    ("da_high", "eating with a knife and fork"),
    # domestic_abuse
    ("domestic_abuse", "he hits him"),
    ("domestic_abuse", "they argue sometimes like everyone"),
    ("domestic_abuse", "mum's boyfriend hit him"),
    ("domestic_abuse", "mum said he hit him"),
    ("domestic_abuse", "he doesn't hit her mum"),
    # new_partner
    ("new_partner", "mum hasn't got a new boyfriend"),
    ("new_partner", "her stepdad has been around for ten years"),
    ("new_partner", "my boyfriend drove me there"),
    ("new_partner", "no new partner"),
    # substance
    ("substance", "not drunk"),
    ("substance", "hes not drunk"),
    ("substance", "he doesn't drink"),
    ("substance", "she's not on drugs"),
    ("substance", "no drugs or alcohol"),
    ("substance", "the baby sat in her high chair"),
    ("substance", "he's pissed off with me"),
    ("substance", "she was drinking tea"),
    ("substance", "he gets high marks"),
    # not_seen
    ("not_seen", "I saw her yesterday"),
    ("not_seen", "she's not at school today, it's Saturday"),
    ("not_seen", "I haven't seen any bruises"),
    ("not_seen", "she hides her bruises"),
    ("not_seen", "they let me see her every Sunday"),
    # no_response
    ("no_response", "I asked her what happened and she said nothing happened"),
    ("no_response", "he never came back"),
    ("no_response", "I told him three times to stop"),
    # disclosure
    ("disclosure", "she said she fell off her bike"),
    ("disclosure", "he said he'd hit her"),
    ("disclosure", "he said he hit her"),
    ("disclosure", "Mum said he hits him"),
    ("disclosure", "I said he hits him"),
    ("disclosure", "she said he doesn't hurt her"),
    ("disclosure", "she hasn't said anything"),
    ("disclosure", "he hits him"),
    # non_mobile
    ("non_mobile", "she's not walking to school anymore"),
    ("non_mobile", "he's 8 months old"),
    ("non_mobile", "he's walking now"),
    ("non_mobile", "I've been off work for only two weeks"),
    ("non_mobile", "she's been off school for three weeks"),
]


@pytest.mark.parametrize("indicator, text", DOES_NOT_FIRE)
def test_does_not_fire(indicator: str, text: str) -> None:
    assert indicator not in fired(text)


def test_concern_type_table() -> None:
    assert set(CONCERN_TYPES) <= set(INDICATORS)
    for unmapped in ("danger_now", "disclosure", "no_response", "non_mobile"):
        assert unmapped not in CONCERN_TYPES


# Known gaps: wording a relative might use that these rules do not catch (or wrongly catch).
# Strict xfail: if a rule is improved so one of these passes, move it to the tables above.
NOT_CAUGHT = [
    ("danger_now", "he's round there now and she's terrified", "fear without a violent word or weapon"),
    ("danger_now", "he was hitting her when I left 10 minutes ago", "the very recent past reads as past"),
    ("injury", "he hit jayden", "a child's name typed in lower case"),
    ("sexual", "he sleeps in her bed", "an adult in a child's bed, said without more"),
    ("disclosure", "she said she's scared to go home", "fear of going home, without saying why"),
    ("disclosure", "she said he told her not to tell anyone", "secrets, without saying what"),
    ("domestic_abuse", "he hits my daughter", "'my daughter' may be the mother or the child"),
    ("new_partner", "her stepdad", "a stepfather is not assumed to be new (parents_partner() counts him)"),
    ("not_seen", "the curtains are always shut and nobody answers", "signs of hiding without the words"),
    ("substance", "he drinks", "'drinks' alone, without how much or how often"),
]


@pytest.mark.xfail(strict=True, reason="known gap")
@pytest.mark.parametrize("indicator, text, why", NOT_CAUGHT)
def test_not_caught(indicator: str, text: str, why: str) -> None:
    assert indicator in fired(text), why


FALSE_ALARMS = [
    ("non_mobile", "mum has a newborn and he hit my grandson who is 6", "a baby in the home, not the child hurt"),
    ("substance", "my niece is 15 and she's drinking every night", "a teenager's drinking reads as a parent's"),
    ("not_seen", "I haven't seen her in school uniform", "'in' read as 'for a while'"),
]


@pytest.mark.xfail(strict=True, reason="known false alarm")
@pytest.mark.parametrize("indicator, text, why", FALSE_ALARMS)
def test_known_false_alarms(indicator: str, text: str, why: str) -> None:
    assert indicator not in fired(text), why
