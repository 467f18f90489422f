"""The Twilio client against a local fake Twilio (a real HTTP server), with the real twilio library."""

from __future__ import annotations

import pytest

from bot.twilio_api import MAX_PHOTO_BYTES, MediaRefused, MediaUnavailable, TwilioApi, looks_like, photo_urls
from tests.fake_twilio import GIF, PNG, FakeTwilioServer, MediaItem, new_sid


@pytest.fixture
def fake():
    server = FakeTwilioServer()
    yield server.start()
    server.stop()


def api_for(fake, **kwargs) -> TwilioApi:
    return TwilioApi(fake.account_sid, fake.auth_token, api_base_url=fake.base_url, backoff=0.01, **kwargs)


async def test_a_message_is_sent_through_the_twilio_client_after_429s(fake):
    fake.send_fail_first = 2
    api = api_for(fake)
    sid = await api.send_message("+447700900123", "+447700900999", "Hello")
    assert sid and sid.startswith("SM")
    sends = fake.recorded("POST", "Messages.json")
    assert len(sends) == 3  # two 429s, then accepted
    assert all(r.authorized for r in sends)
    assert sends[-1].form == {"To": "+447700900123", "From": "+447700900999", "Body": "Hello"}


async def test_a_5xx_is_retried_and_a_4xx_is_not(fake):
    fake.send_status = 503
    api = api_for(fake, attempts=3)
    assert await api.send_message("+447700900123", "+447700900999", "Hello") is None
    assert len(fake.recorded("POST")) == 3
    fake.requests.clear()
    fake.send_status = 400
    assert await api.send_message("+447700900123", "+447700900999", "Hello") is None
    assert len(fake.recorded("POST")) == 1


async def test_twilio_being_unreachable_is_a_failed_send_not_an_exception():
    api = TwilioApi("AC" + "1" * 32, "token", api_base_url="http://127.0.0.1:9", backoff=0.01, attempts=2, timeout=2)
    assert await api.send_message("+447700900123", "+447700900999", "Hello") is None


async def test_a_photo_is_fetched_with_credentials_after_a_429_and_deleted(fake):
    message_sid = new_sid("MM")
    url = fake.add_media(message_sid, MediaItem("image/png", PNG, fail_first=1))
    api = api_for(fake)
    photo = await api.fetch_photo(url, message_sid, "image/png")
    assert photo.data == PNG and photo.content_type == "image/png" and photo.extension == "png"
    gets = fake.recorded("GET")
    assert len(gets) == 2 and all(r.authorized for r in gets)
    assert await api.delete_photo(message_sid, photo.media_sid) is True
    assert fake.recorded("DELETE")[0].authorized
    assert await api.delete_photo(message_sid, photo.media_sid) is True  # already gone is fine


async def test_a_photo_from_another_account_or_host_is_never_fetched(fake):
    message_sid = new_sid("MM")
    api = api_for(fake)
    foreign = [
        f"http://evil.example/2010-04-01/Accounts/{fake.account_sid}/Messages/{message_sid}/Media/{new_sid('ME')}",
        f"{fake.base_url}/2010-04-01/Accounts/AC{'f' * 32}/Messages/{message_sid}/Media/{new_sid('ME')}",
        f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages/{new_sid('MM')}/Media/{new_sid('ME')}",
        f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages/{message_sid}/Media/../../x",
    ]
    for url in foreign:
        with pytest.raises(MediaRefused):
            await api.fetch_photo(url, message_sid)
    assert fake.requests == []


async def test_only_real_photos_of_the_allowed_types_and_size_are_kept(fake):
    message_sid = new_sid("MM")
    api = api_for(fake)
    video = fake.add_media(message_sid, MediaItem("video/mp4", b"\x00\x00\x00\x18ftypmp42"))
    with pytest.raises(MediaRefused):
        await api.fetch_photo(video, message_sid, "video/mp4")
    assert fake.requests == []  # the declared type alone was enough to refuse
    with pytest.raises(MediaRefused):
        await api.fetch_photo(video, message_sid)  # not declared: refused on what Twilio serves
    disguised = fake.add_media(message_sid, MediaItem("image/jpeg", b"<script>alert(1)</script>"))
    with pytest.raises(MediaRefused):
        await api.fetch_photo(disguised, message_sid, "image/jpeg")
    huge = fake.add_media(message_sid, MediaItem("image/gif", GIF + b"\x00" * MAX_PHOTO_BYTES))
    with pytest.raises(MediaRefused):
        await api.fetch_photo(huge, message_sid, "image/gif")
    gif = fake.add_media(message_sid, MediaItem("image/gif", GIF))
    assert (await api.fetch_photo(gif, message_sid, "image/gif")).data == GIF


async def test_a_photo_still_failing_after_the_retries_is_unavailable(fake):
    message_sid = new_sid("MM")
    url = fake.add_media(message_sid, MediaItem("image/png", PNG, fail_first=10))
    with pytest.raises(MediaUnavailable):
        await api_for(fake, attempts=3).fetch_photo(url, message_sid)
    assert len(fake.recorded("GET")) == 3


def test_magic_bytes_and_media_fields():
    assert looks_like("image/png", PNG) and looks_like("image/gif", GIF)
    assert looks_like("image/jpeg", b"\xff\xd8\xff\xe0rest")
    assert looks_like("image/heic", b"\x00\x00\x00\x18ftypheic....")
    assert not looks_like("image/png", GIF)
    form = {"NumMedia": "2", "MediaUrl0": "u0", "MediaContentType0": "image/png", "MediaUrl1": "u1"}
    assert photo_urls(form) == [("u0", "image/png"), ("u1", "")]
    assert photo_urls({"NumMedia": "lots"}) == [] and photo_urls({}) == []
