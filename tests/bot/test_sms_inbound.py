"""Checking Twilio webhook requests: the signature, the form, the fields, the TwiML answer."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from bot.inbound import InputError
from bot.sms_inbound import TwilioSettings, inbound_sms, parse_form, signature_is_valid, twiml

# Twilio's worked example ("Webhooks security": validating requests).
VECTOR_TOKEN = "12345"
VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
VECTOR_SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="

SETTINGS = TwilioSettings(auth_token="secret-token", account_sid=None, public_base_url="https://fv.example.gov.uk")
SID = "SM" + "a" * 32


def test_twilios_published_vector_through_the_form_we_parse():
    body = urlencode(VECTOR_PARAMS).encode()
    form = parse_form(body)
    validator = RequestValidator(VECTOR_TOKEN)
    assert validator.compute_signature(VECTOR_URL, form) == VECTOR_SIGNATURE
    assert validator.validate(VECTOR_URL, form, VECTOR_SIGNATURE)
    assert not validator.validate(VECTOR_URL, {**form, "Digits": "9999"}, VECTOR_SIGNATURE)
    assert not RequestValidator("54321").validate(VECTOR_URL, form, VECTOR_SIGNATURE)


def test_the_signature_is_checked_against_the_public_url_not_where_the_request_arrived():
    form = {"MessageSid": SID, "From": "+447700900123", "Body": "hello"}
    good = RequestValidator("secret-token").compute_signature("https://fv.example.gov.uk/webhooks/twilio_sms/webhook", form)
    assert signature_is_valid(SETTINGS, "", form, good)
    internal = RequestValidator("secret-token").compute_signature("http://10.0.0.5:5005/webhooks/twilio_sms/webhook", form)
    assert not signature_is_valid(SETTINGS, "", form, internal)
    with_query = RequestValidator("secret-token").compute_signature(
        "https://fv.example.gov.uk/webhooks/twilio_sms/webhook?unit=leeds", form
    )
    assert signature_is_valid(SETTINGS, "unit=leeds", form, with_query)
    assert not signature_is_valid(SETTINGS, "", form, with_query)
    assert not signature_is_valid(SETTINGS, "", form, "")
    no_token = TwilioSettings(auth_token=None, account_sid=None, public_base_url="https://fv.example.gov.uk")
    assert not signature_is_valid(no_token, "", form, good)  # no token configured: refuse all


def test_an_empty_field_is_part_of_what_twilio_signs():
    form = parse_form(b"MessageSid=" + SID.encode() + b"&From=%2B447700900123&Body=")
    assert form["Body"] == ""
    signature = RequestValidator("secret-token").compute_signature(SETTINGS.webhook_url, form)
    assert signature_is_valid(SETTINGS, "", form, signature)


@pytest.mark.parametrize(
    "body",
    [b"Body=%ZZ", b"Body=%C3%28", b"Body=\xff\xfe", b"&&&", b"Body=a&Body=b", b"just text"],
)
def test_a_body_that_is_not_a_clean_form_is_refused(body):
    with pytest.raises(InputError) as refused:
        parse_form(body)
    assert refused.value.status == 400


def test_every_script_survives_the_form():
    text = "Zo\u0142 \u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \u0928\u092e\u0938\u094d\u0924\u0947 \U0001f44d \u05e9\u05dc\u05d5\u05dd"
    assert parse_form(urlencode({"Body": text}).encode())["Body"] == text


@pytest.mark.parametrize("number", ["hello", "", "+0123456", "+44 7700 900123", "client:anonymous", "+4477009001234567"])
def test_a_from_that_is_not_a_phone_number_is_refused(number):
    with pytest.raises(InputError) as refused:
        inbound_sms({"MessageSid": SID, "From": number, "Body": "hi"})
    assert refused.value.status == 400


def test_fields_are_checked_and_unknown_fields_ignored():
    message = inbound_sms({"MessageSid": SID, "From": "+447700900123", "Body": " hi\x00 ", "FromCity": "LEEDS"})
    assert message.text == "hi" and message.from_number == "+447700900123"
    assert inbound_sms({"MessageSid": SID, "From": "64021", "Body": "x"}).from_number == "64021"  # a short code
    for sid in ("", "SM123", "XX" + "a" * 32):
        with pytest.raises(InputError):
            inbound_sms({"MessageSid": sid, "From": "+447700900123"})


def test_settings_come_from_the_environment_then_credentials_then_defaults():
    loaded = TwilioSettings.load(
        {"auth_token": "from-yaml", "public_base_url": "https://yaml.example/", "idle_timeout": 60},
        {"FAMILYVOICE_TWILIO_AUTH_TOKEN": "from-env"},
    )
    assert loaded.auth_token == "from-env"
    assert loaded.public_base_url == "https://yaml.example"
    assert loaded.webhook_url == "https://yaml.example/webhooks/twilio_sms/webhook"
    assert loaded.idle_timeout == 60.0
    default = TwilioSettings.load(None, {})
    assert default.auth_token is None and default.idle_timeout == 24 * 3600
    assert default.api_base_url == "https://api.twilio.com"


def test_twiml_escapes_her_words_and_an_empty_reply_sends_nothing():
    root = ElementTree.fromstring(twiml(["He said <stop> & left", "Second"]))
    assert root.tag == "Response"
    assert [m.text for m in root.findall("Message")] == ["He said <stop> & left", "Second"]
    assert ElementTree.fromstring(twiml([])).findall("Message") == []
