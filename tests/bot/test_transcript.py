from bot.transcript import report_started_at, turns, without_followup_turns
from tests.bot.rasa_events import action, bot, restart, session_start, slot, user

EVENTS = [
    {"event": "action", "name": "action_session_start", "timestamp": 1.0},
    {"event": "user", "text": "old report", "timestamp": 10.0},
    {"event": "restart", "timestamp": 20.0},
    {"event": "user", "text": "Hello", "timestamp": 1_700_000_000.0},
    {"event": "bot", "text": "Is it safe?", "data": {"buttons": [{"title": "Yes"}, {"title": "No"}]}, "timestamp": 1_700_000_001.0},
    {"event": "slot", "name": "x", "value": 1, "timestamp": 1_700_000_001.5},
    {"event": "user", "text": "Yes", "timestamp": 1_700_000_002.0},
]


def test_every_turn_both_sides_timestamped_since_the_last_restart():
    got = turns(EVENTS)
    assert [(t.speaker, t.text) for t in got] == [
        ("reporter", "Hello"),
        ("bot", "Is it safe? [Yes | No]"),
        ("reporter", "Yes"),
    ]
    assert got[0].at == "2023-11-14T22:13:20+00:00"


def test_a_report_is_named_by_when_it_started():
    assert report_started_at(EVENTS) == "2023-11-14T22:13:20+00:00"
    assert report_started_at([]) == ""


# --- coming back to an earlier report is not a report (bot.transcript.without_followup_turns) ---


T = 1_700_000_000.0


def loop(name, at):
    return {"event": "active_loop", "name": name, "timestamp": at}


def coming_back(at, *tries):
    """She asks to add to her report, gives the reference, then tries PINs, then stops."""
    events = [user("I want to add to my report FV-7K3M-Q9XD", at, intent="add_to_report"), action("followup_form", at),
              loop("followup_form", at), slot("followup_reference", "FV-7K3M-Q9XD", at), bot("Your PIN?", at),
              action("action_listen", at)]
    for n, pin in enumerate(tries, 1):
        events += [user(pin, at + n), action("followup_form", at + n), slot("followup_tries", n, at + n),
                   bot("I cannot find a report with that reference and PIN.", at + n), action("action_listen", at + n)]
    return events


def texts(events):
    return [e.get("text") for e in events if e["event"] in ("user", "bot")]


def test_an_abandoned_follow_up_leaves_nothing_of_hers():
    events = [*session_start(T), *coming_back(T + 1, "13572468", "my pin is 2468 1357")]
    kept = without_followup_turns(events)
    assert [e for e in kept if e["event"] == "user"] == []
    assert not any("2468" in str(e) for e in kept if e["event"] in ("user", "bot"))


def test_her_report_before_and_after_is_kept_word_for_word():
    before = [user("Hello", T), bot("Who are you worried about?", T)]
    finished = [loop(None, T + 9), action("action_followup_done", T + 9), restart(T + 9)]
    after = [user("My neighbour's boy Sam is left alone at night", T + 10), bot("How old is he?", T + 10)]
    events = [*session_start(T), *before, *coming_back(T + 1, "13572468"), *finished, *after]
    assert texts(without_followup_turns(events)) == [
        "Hello", "Who are you worried about?", "My neighbour's boy Sam is left alone at night", "How old is he?"]


def test_a_conversation_without_a_follow_up_is_untouched():
    events = [*session_start(T), user("Hello", T), bot("Who?", T), loop("report_form", T), user("Sam", T + 1),
              loop(None, T + 2), user("thanks", T + 3)]
    assert without_followup_turns(events) == events


def test_a_transcript_never_holds_her_follow_up_attempts():
    events = [*session_start(T), *coming_back(T + 1, "13572468"), loop(None, T + 5),
              user("Also his dad drinks every night", T + 6), bot("Thank you.", T + 6)]
    said = [t.text for t in turns(events)]
    assert said == ["Also his dad drinks every night", "Thank you."]
