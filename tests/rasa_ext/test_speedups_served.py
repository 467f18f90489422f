"""The speedups against the real thing: the trained model gives the same parse and the same
next action through SequentialGraphRunner as through Rasa's DaskGraphRunner, and calls to the
action server share kept-alive connections."""

from __future__ import annotations

import pytest
from aiohttp import web
from rasa.core.channels.channel import UserMessage
from rasa.engine import loader
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bench.reporter import ANSWERS, OPENING
from bot.config import PROJECT_ROOT
from rasa_ext import speedups

MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
TEXTS = [OPENING, *(answer for _, answer in ANSWERS), "STOP", "help", "FV-ABCD-2345 he is worse", "🙂", ""]


@pytest.fixture(scope="module")
def runners(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model`")
    loaded = {}
    for kind in (DaskGraphRunner, speedups.SequentialGraphRunner):
        loaded[kind] = loader.load_predict_graph_runner(tmp_path_factory.mktemp(kind.__name__), MODEL, LocalModelStorage, kind)
    return loaded


def parse(metadata, runner, text: str) -> dict:
    tracker = DialogueStateTracker("parse", metadata.domain.slots)
    message = UserMessage(text, message_id="m1", sender_id="parse")
    results = runner.run(inputs={"__message__": [message], "__tracker__": tracker}, targets=[metadata.nlu_target])
    return results[metadata.nlu_target][0].as_dict(only_output_properties=True)


def next_action(metadata, runner, parse_data: dict) -> tuple:
    tracker = DialogueStateTracker.from_events(
        "predict",
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
         UserUttered(parse_data.get("text"), parse_data.get("intent"), parse_data.get("entities", []), parse_data)],
        metadata.domain.slots,
    )
    prediction = runner.run(inputs={"__tracker__": tracker}, targets=[metadata.core_target])[metadata.core_target]
    return prediction.policy_name, prediction.max_confidence_index, round(prediction.max_confidence, 6)


@pytest.mark.e2e
@pytest.mark.parametrize("text", TEXTS)
def test_the_model_reads_and_answers_alike_through_both_runners(runners, text):
    (stock_meta, stock), (our_meta, ours) = runners[DaskGraphRunner], runners[speedups.SequentialGraphRunner]
    stock_parse, our_parse = parse(stock_meta, stock, text), parse(our_meta, ours, text)
    assert our_parse == stock_parse
    assert next_action(our_meta, ours, our_parse) == next_action(stock_meta, stock, stock_parse)


@pytest.mark.e2e
def test_the_runner_refuses_an_input_named_like_a_node(runners):
    from rasa.engine.exceptions import GraphRunError

    metadata, runner = runners[speedups.SequentialGraphRunner]
    node = next(iter(metadata.predict_schema.nodes))
    with pytest.raises(GraphRunError, match="clashes with a node name"):
        runner.run(inputs={"__message__": node}, targets=[metadata.nlu_target])


async def test_calls_to_the_action_server_reuse_one_connection(aiohttp_server, monkeypatch):
    seen: list = []

    async def webhook(request: web.Request) -> web.Response:
        seen.append((request.transport.get_extra_info("peername"), await request.json()))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    server = await aiohttp_server(app)
    monkeypatch.setattr(EndpointConfig, "session", speedups._session)
    endpoint = EndpointConfig(str(server.make_url("/webhook")))
    for text in ["first", "Zoë \ud800 second"]:
        assert await endpoint.request(json={"next_action": "validate_report_form", "text": text}) == {"events": [], "responses": []}
    assert [body["text"] for _, body in seen] == ["first", "Zoë \ud800 second"]
    assert seen[0][0] == seen[1][0]  # same client address and port: the connection was kept
    await speedups._pool().close()  # the server process keeps its pool for its life; a test does not


@pytest.mark.e2e
@pytest.mark.parametrize("text", TEXTS)
def test_intents_and_confidences_are_the_same_with_the_quick_feature_matrix(runners, text, monkeypatch):
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    metadata, runner = runners[DaskGraphRunner]
    stock = parse(metadata, runner, text)
    monkeypatch.setattr(LogisticRegressionClassifier, "_create_X", speedups._create_X)

    def not_the_quick_path(*_args):
        raise AssertionError("our pipeline's messages should take the quick path")

    monkeypatch.setattr(speedups, "_stock_create_X", not_the_quick_path)
    assert parse(metadata, runner, text) == stock
    assert stock["intent_ranking"]  # the classifier did run


@pytest.mark.e2e
def test_a_copied_slot_is_a_separate_equal_slot(runners):
    import copy

    metadata, _ = runners[DaskGraphRunner]
    for slot in metadata.domain.slots:
        original = copy.copy(slot)
        duplicate = speedups._slot_copy(slot)
        assert type(duplicate) is type(slot) and duplicate is not slot
        assert duplicate.__dict__ == original.__dict__
        duplicate.value = "changed"
        assert slot.value != "changed"
