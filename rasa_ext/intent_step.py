"""The shape of an NLU step that runs after the classifier and may replace its intent.

A subclass says which intent a message must have (``decide``); this writes it as Rasa's
classifiers do: the intent with confidence 1.0 (decided by a rule, not guessed), first in the
ranking, the classifier's other guesses after it. Register each subclass with Rasa's recipe as
an intent classifier that is not trainable (see rasa_ext/reference_intent.py).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


class IntentStep(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentStep":
        return cls()

    def decide(self, message: Message) -> str | None:
        """The intent ``message`` must have instead of the classifier's, or None."""
        raise NotImplementedError

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            name = self.decide(message)
            if name is None:
                continue
            decided = {INTENT_NAME_KEY: name, "confidence": 1.0}
            ranked = message.get(INTENT_RANKING_KEY) or []
            ranking = [r for r in ranked if r.get(INTENT_NAME_KEY) != name]
            message.set(INTENT, decided, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [decided, *ranking], add_to_output=True)
        return messages
