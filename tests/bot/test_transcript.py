from bot.transcript import report_started_at, turns

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
