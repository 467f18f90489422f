"""An NLU step after the classifier: safeguarding indicators decide before the classifier's guess.

Every message is scanned for danger and safeguarding indicators (bot.indicators) before the
dialogue sees its intent, so an account of harm to a child is never answered as chit-chat, a
greeting, a goodbye, an insult or a message for adult services, and danger right now is always
``danger_now``. Her questions about the service are recognised here too, however she words
them. What to decide is bot.turn_kind's (pure, tested without Rasa); this step only reads the
classifier's ranking and writes the decided intent first in it, as Rasa's classifiers do.

It runs before rasa_ext.reference_intent, whose reference to an earlier report wins.
"""

from __future__ import annotations

from typing import Any

import structlog
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.turn_kind import decide

log = structlog.get_logger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IndicatorsFirst(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IndicatorsFirst":
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            ranking = message.get(INTENT_RANKING_KEY) or []
            decision = decide(
                message.get(TEXT), intent, [(r.get(INTENT_NAME_KEY), r.get("confidence") or 0.0) for r in ranking]
            )
            if decision is None:
                continue
            # Decided by explainable rules, not guessed: as sure as the reference step is.
            decided = {INTENT_NAME_KEY: decision.intent, "confidence": 1.0}
            rest = [r for r in ranking if r.get(INTENT_NAME_KEY) != decision.intent]
            message.set(INTENT, decided, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [decided, *rest], add_to_output=True)
            log.info("nlu.intent_decided", classified=intent, decided=decision.intent, reason=decision.reason)
        return messages
