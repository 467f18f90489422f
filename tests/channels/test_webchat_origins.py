"""Which pages may call the web chat webhook from a browser: the origin allow-list."""

from __future__ import annotations

import pytest

from channels.webchat_origins import ORIGINS_ENV, OriginConfigError, OriginPolicy, normalise_origin

COUNCIL = "https://www.anytown.gov.uk"


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("https://www.Anytown.gov.uk", COUNCIL),
        ("https://www.anytown.gov.uk:443/", COUNCIL),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_origins_are_written_the_way_browsers_send_them(configured, expected):
    assert normalise_origin(configured) == expected


@pytest.mark.parametrize(
    "bad", ["www.anytown.gov.uk", "ftp://anytown.gov.uk", "https://anytown.gov.uk/report", "https://x.org?a=1",
            "https://user@x.org", "https://x.org:99999", "*", "null"],
)
def test_a_misconfigured_origin_stops_start_up_rather_than_silently_failing(bad):
    with pytest.raises(OriginConfigError):
        OriginPolicy.from_config([bad], environ={})


def test_credentials_and_environment_are_combined():
    policy = OriginPolicy.from_config(
        ["https://a.gov.uk"], environ={ORIGINS_ENV: "https://b.gov.uk, http://127.0.0.1:9000"}
    )
    assert policy.allowed == {"https://a.gov.uk", "https://b.gov.uk", "http://127.0.0.1:9000"}
    assert OriginPolicy.from_config("https://c.gov.uk https://d.gov.uk", environ={}).allowed == {
        "https://c.gov.uk", "https://d.gov.uk"}
    assert OriginPolicy.from_config(None, environ={}).allowed == frozenset()


def test_only_a_configured_origin_gets_cors_headers():
    policy = OriginPolicy.from_config([COUNCIL], environ={})
    assert policy.cors_headers(COUNCIL, preflight=False) == {"Access-Control-Allow-Origin": COUNCIL, "Vary": "Origin"}
    preflight = policy.cors_headers(COUNCIL, preflight=True)
    assert preflight["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert preflight["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Access-Control-Allow-Credentials" not in preflight  # no cookies, ever
    for other in ("https://anytown.gov.uk", "http://www.anytown.gov.uk", "https://www.anytown.gov.uk.evil.example",
                  "null", "", None):
        assert policy.cors_headers(other, preflight=True) == {}


def test_who_may_reach_the_dialogue():
    policy = OriginPolicy.from_config([COUNCIL], environ={})
    assert policy.permits(COUNCIL, "chat.anytown.gov.uk")  # the council's page
    assert policy.permits(None, "chat.anytown.gov.uk")  # curl, servers: not a browser on another site
    assert policy.permits("https://chat.anytown.gov.uk", "chat.anytown.gov.uk")  # our own demo page
    assert not policy.permits("https://evil.example", "chat.anytown.gov.uk")
    assert not policy.permits("null", "chat.anytown.gov.uk")
