"""An NLU step after the classifier: safeguarding indicators decide before the classifier's guess.

Every message is scanned for danger and safeguarding indicators (bot.indicators) before the
dialogue sees its intent, so an account of harm to a child is never answered as chit-chat, a
greeting, a goodbye, an insult or a message for adult services, and danger right now is always
``danger_now``. Her questions about the service are recognised here too, however she words
them. What to decide is bot.turn_kind's (pure, tested without Rasa); this step only reads the
classifier's ranking and puts the decided intent first in it (rasa_ext.intent_step).

It runs before rasa_ext.reference_intent, whose reference to an earlier report wins.
"""

from __future__ import annotations

import structlog
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.turn_kind import decide
from rasa_ext.intent_step import IntentStep

log = structlog.get_logger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IndicatorsFirst(IntentStep):
    def decide(self, message: Message) -> str | None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        ranked = message.get(INTENT_RANKING_KEY) or []
        ranking = [(r.get(INTENT_NAME_KEY), r.get("confidence") or 0.0) for r in ranked]
        decision = decide(message.get(TEXT), intent, ranking)
        if decision is None:
            return None
        log.info(
            "nlu.intent_decided", classified=intent, decided=decision.intent, reason=decision.reason
        )
        return decision.intent
