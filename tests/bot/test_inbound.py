import json

import pytest

from bot.inbound import MAX_MESSAGE_CHARS, InputError, clean_text, parse_webchat_body


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_a_normal_message_is_accepted_as_typed():
    message = parse_webchat_body(body(sender="abc-123", message="  My grandson Tom  "))
    assert message.sender == "abc-123" and message.text == "My grandson Tom"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 400),
        (b"{oops", 400),
        (b"\xff\xfe", 400),
        (b"[]", 400),
        (body(message="hi"), 400),
        (body(sender="", message="hi"), 400),
        (body(sender="x" * 129, message="hi"), 400),
        (body(sender="a b", message="hi"), 400),
        (body(sender="x", message=None), 400),
        (body(sender="x", message="\u200b\n\t "), 400),
        (body(sender="x", message="a" * (MAX_MESSAGE_CHARS + 1)), 413),
        (b" " * 70_000, 413),
    ],
)
def test_bad_requests_are_refused_with_a_reason(raw, status):
    with pytest.raises(InputError) as refused:
        parse_webchat_body(raw)
    assert refused.value.status == status
    assert refused.value.reason  # something a client can show


def test_every_script_and_emoji_survive_cleaning():
    text = "😢 مرحبا שלום 我很担心 Zoë"
    assert clean_text(text) == text


def test_invisible_controls_are_removed_but_newlines_kept():
    assert clean_text("he\x00llo\u200b\nthere\x1b") == "hello\nthere"


def test_text_is_normalised_so_the_same_words_compare_equal():
    assert clean_text("Zoe\u0308") == "Zoë"


def test_a_leading_slash_is_not_a_command_to_rasa():
    assert parse_webchat_body(body(sender="x", message="/restart please")).text == "restart please"
    with pytest.raises(InputError):
        parse_webchat_body(body(sender="x", message="//"))
