"""Which address a sign-in is counted against, with and without a reverse proxy in front."""

from __future__ import annotations

import pytest

from bot.console.client_address import BadProxySetting, client_address, parse_trusted_proxies
from bot.console.config import config_from_env

PROXY = parse_trusted_proxies("10.0.0.5, 10.1.0.0/16")


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert client_address("203.0.113.7", ["198.51.100.1"], ()) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client():
    assert client_address("10.0.0.5", ["203.0.113.7"], PROXY) == "203.0.113.7"


def test_what_the_client_wrote_to_the_left_is_ignored():
    assert client_address("10.0.0.5", ["6.6.6.6, 203.0.113.7"], PROXY) == "203.0.113.7"
    assert client_address("10.0.0.5", ["6.6.6.6", "203.0.113.7"], PROXY) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    assert client_address("10.0.0.5", ["6.6.6.6, 203.0.113.7, 10.1.2.3"], PROXY) == "203.0.113.7"


def test_a_trusted_proxy_without_a_usable_header_counts_as_itself():
    assert client_address("10.0.0.5", [], PROXY) == "10.0.0.5"
    assert client_address("10.0.0.5", ["not an address"], PROXY) == "10.0.0.5"


def test_an_untrusted_peer_cannot_pose_as_a_proxy():
    assert client_address("203.0.113.9", ["10.0.0.5, 203.0.113.7"], PROXY) == "203.0.113.9"


def test_ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4():
    first = client_address("2001:db8:1:2::1", [], ())
    assert first == client_address("2001:db8:1:2:ffff::9", [], ()) == "2001:db8:1:2::/64"
    assert first != client_address("2001:db8:1:3::1", [], ())
    assert client_address("::ffff:203.0.113.7", [], ()) == "203.0.113.7"
    assert client_address("10.0.0.5", ["[2001:db8::1]:4711"], PROXY) == "2001:db8::/64"


def test_a_wrongly_written_proxy_setting_stops_the_console_at_start(tmp_path):
    with pytest.raises(BadProxySetting, match="not-an-ip"):
        parse_trusted_proxies("10.0.0.5 not-an-ip")
    with pytest.raises(BadProxySetting):
        config_from_env({"FAMILYVOICE_VAR_DIR": str(tmp_path),
                         "FAMILYVOICE_CONSOLE_TRUSTED_PROXIES": "proxy.example"})
