"""An NLU step: a message with a report reference in it is about that report (issue 6).

The classifier learns words, and a reference is eight random characters, so "FV-KE32-9JJB he
was crying again" can be read as the start of a new report. This step runs after the classifier
and, when the message holds a reference (bot.references.REFERENCE_RE, "FV" required), makes
the intent ``add_to_report``. Safe in every state of the dialogue: before a report it starts
the follow-up; during one, the form still takes the message as an answer; after sending, it is
added to the report, as anything then is.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.references import REFERENCE_RE

INTENT_NAME = "add_to_report"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ReferenceIntent(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ReferenceIntent":
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if REFERENCE_RE.search(message.get(TEXT) or ""):
                decided = {"name": INTENT_NAME, "confidence": 1.0}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != INTENT_NAME]
                message.set(INTENT, decided, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [decided, *ranking], add_to_output=True)
        return messages
