"""Stock Rasa 3.6, minus needless costs found by profiling the server under load.

Each change does exactly what Rasa does, once instead of on every message. Profiled with
py-spy under 20 concurrent SMS reports (see README, "Benchmark"):

- Action server replies: Rasa checks each against a JSON schema with ``jsonschema.validate``,
  which first re-checks the schema itself against the metaschema on every call (about half
  the server's CPU), then tries every event against all 23 kinds of event. Here the
  validators are built once and each event is checked against its own kind (see
  ``_quick_validators``); a reply that fails is checked in full, so a bad reply raises the
  same ValidationError with Rasa's explanation.
- Reading a tracker: ``Event.resolve_by_type`` walks every subclass of ``Event`` (with
  ``inspect.isabstract`` on each) for every stored event (about 11%). Here the walk's answer
  is kept per type name and walked again only for a name it has not seen, so an event class
  imported later is still found, and the first match wins as in Rasa.
- Running the model: Rasa runs its NLU and policy graphs through dask's scheduler, which
  rebuilds and orders the task graph on every message (about 7%). ``SequentialGraphRunner``
  runs the same nodes with the same inputs in an order computed once per set of targets.
  Training still uses Rasa's DaskGraphRunner.
- Copying trackers: Rasa copies every slot (``copy.copy``) for every tracker it builds, and it
  builds one per past turn to predict the next action (7%). ``Slot.__copy__`` makes the same
  shallow copy (a new object with the same attributes) without copy's generic reduce path.
- Intent classification: LogisticRegressionClassifier stacks each message's features with
  scipy's generic ``hstack``/``vstack`` even when there is one message with only sparse
  features (our pipeline, 8%), after ``get_sparse_features`` has deep-copied and stacked the
  sequence features too, only to drop them (4%). That case now stacks just the sentence rows;
  any other case goes through Rasa's code. Same matrix, same probabilities.
- Calling the action server: Rasa opens a new client session, and so a new TCP connection, for
  every call (several per message). Here the sessions share one connection pool per event loop,
  so connections are kept alive between calls; idle ones are dropped after 2 s, before the
  action server's own 5 s keep-alive ends, so a call never lands on a connection being closed.
  Request bodies (the whole tracker, every call) are written by ujson (a Rasa dependency, about
  2.5x faster), or by json where ujson refuses (e.g. a lone surrogate in odd Unicode input).
- Parsing a message: Rasa asks ``Domain.is_empty()`` each time, which builds an empty Domain and
  compares both as dicts (2%). A served domain is never changed, so the answer is kept on it.
"""

from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple, Type

import aiohttp
import rasa.core.processor
import ujson
import rasa.shared.utils.common
from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix
from scipy.sparse import hstack as sparse_hstack
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEP_ALIVE_SECONDS = 2.0  # below Sanic's (the action server's) 5 s default


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    kind = validator_for(schema)
    kind.check_schema(schema)  # once, at the first reply
    return kind(schema)


@lru_cache(maxsize=1)
def _quick_validators() -> Tuple[Any, Dict[Text, Any]]:
    """The reply schema split so each event is checked only against its own kind.

    Rasa's schema says: each event meets the common part and exactly ``oneOf`` 23 branches,
    one per event name (``"event": {"const": ...}``). An event whose name matches exactly one
    branch, and meets the common part and that branch, meets the schema: every other branch
    fails on the name. Checking that is what this split does; anything else (an unknown name,
    a failure) goes to the full check, which then gives Rasa's own verdict and message.
    """
    schema = RemoteAction.action_response_format_spec()
    kind = validator_for(schema)
    items = schema["properties"]["events"]["items"]
    common = {key: value for key, value in items.items() if key != "oneOf"}
    names = [branch.get("properties", {}).get("event", {}).get("const") for branch in items["oneOf"]]
    if None in names or len(set(names)) != len(names):  # not the shape this relies on: never shortcut
        return None, {}
    outer = {**schema, "properties": {**schema["properties"], "events": {**schema["properties"]["events"], "items": {}}}}
    per_event = {name: kind({"allOf": [common, branch]}) for name, branch in zip(names, items["oneOf"])}
    return kind(outer), per_event


def _passes_quick_check(result: Any) -> bool:
    outer, per_event = _quick_validators()
    if outer is None or not outer.is_valid(result):
        return False
    for event in result.get("events") or []:
        check = per_event.get(event.get("event")) if isinstance(event, dict) and isinstance(event.get("event"), str) else None
        if check is None or not check.is_valid(event):
            return False
    return True


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    if _passes_quick_check(result):
        return True
    # As jsonschema.validate (what Rasa calls): the most relevant error, not the first found.
    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_event_types: Dict[Text, Type[Event]] = {}
_stock_resolve_by_type = Event.resolve_by_type


def _resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    found = _event_types.get(type_name)
    if found is None:
        for cls in rasa.shared.utils.common.all_subclasses(Event):
            _event_types.setdefault(cls.type_name, cls)  # the first in Rasa's walk wins, as in Rasa
        found = _event_types.get(type_name)
    if found is not None:
        return found
    return _stock_resolve_by_type(type_name, default)  # "topic", the default, or Rasa's error


class SequentialGraphRunner(DaskGraphRunner):
    """Rasa's graph runner without dask: nodes run one after another in dependency order.

    Same contract as DaskGraphRunner.run: each node gets its parents' ``(name, output)``
    pairs (or the bare name of a need nobody provides, which GraphNode warns about), inputs
    are ``(name, value)`` pairs, and the result maps each target's name to its output.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: Dict[Tuple[Text, ...], List[Tuple[Text, Tuple[Text, ...]]]] = {}

    def _plan(self, targets: List[Text]) -> List[Tuple[Text, Tuple[Text, ...]]]:
        key = tuple(targets)
        plan = self._plans.get(key)
        if plan is None:
            schema = self._graph_schema.minimal_graph_schema(targets)
            plan, placed = [], set()

            def place(name: Text) -> None:
                if name in placed or name not in schema.nodes:
                    return
                placed.add(name)
                needs = tuple(schema.nodes[name].needs.values())
                for need in needs:
                    place(need)
                plan.append((name, needs))

            for name in schema.nodes:
                place(name)
            self._plans[key] = plan
        return plan

    def run(self, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        plan = self._plan(run_targets)
        if inputs:
            graph_names = {name for name, _ in plan}
            for name, value in inputs.items():
                if isinstance(value, str) and value in graph_names:
                    raise GraphRunError(
                        f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                        f"names passed to the `run` method are the same as node names in the graph schema."
                    )
        results: Dict[Text, Any] = {name: (name, value) for name, value in (inputs or {}).items()}
        try:
            for name, needs in plan:
                results[name] = self._instantiated_nodes[name](*(results.get(need, need) for need in needs))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)  # as DaskGraphRunner: name -> output


_pools: Dict[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = {}


def _pool() -> aiohttp.TCPConnector:
    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None or pool.closed:
        for stale in [other for other in _pools if other.is_closed()]:
            del _pools[stale]
        pool = _pools[loop] = aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS)
    return pool


def _dumps(value: Any) -> str:
    try:
        return ujson.dumps(value, ensure_ascii=True, escape_forward_slashes=False)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value)


def _session(self: EndpointConfig) -> aiohttp.ClientSession:
    """EndpointConfig.session, on the shared pool (closing the session leaves the pool open)."""
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=_pool(),
        connector_owner=False,
        json_serialize=_dumps,
    )


def _slot_copy(self: Slot) -> Slot:
    duplicate = self.__class__.__new__(self.__class__)
    duplicate.__dict__.update(self.__dict__)
    return duplicate


_stock_create_X = LogisticRegressionClassifier._create_X


def _create_X(self: LogisticRegressionClassifier, messages: List[Message]) -> Any:
    if len(messages) == 1:
        # Rasa's get_sparse_features also deep-copies and stacks the sequence features, which
        # this classifier then throws away; stack only the sentence ones, in the same order.
        sentence = [f for f in messages[0].features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
        if sentence and all(f.is_sparse() for f in sentence):
            matrices = [f.features for f in sentence]
            return csr_matrix(matrices[0] if len(matrices) == 1 else sparse_hstack(matrices))
    return _stock_create_X(self, messages)


_stock_is_empty = Domain.is_empty


def _is_empty(self: Domain) -> bool:
    known = self.__dict__.get("_familyvoice_is_empty")
    if known is None:
        known = self.__dict__["_familyvoice_is_empty"] = _stock_is_empty(self)
    return known


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    # processor.py loads every served model with the runner class named here.
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
    EndpointConfig.session = _session
    Slot.__copy__ = _slot_copy
    LogisticRegressionClassifier._create_X = _create_X
    Domain.is_empty = _is_empty
