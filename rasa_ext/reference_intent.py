"""An NLU step: a message with a report reference in it is about that report.

The classifier learns words, and a reference is eight random characters, so "FV-KE32-9JJB he
was crying again" can be read as the start of a new report. This step runs after the classifier
and, when the message holds a reference (bot.references.REFERENCE_RE, "FV" required), makes
the intent ``add_to_report``. Safe in every state of the dialogue: before a report it starts
the follow-up; during one, the form still takes the message as an answer; after sending, it is
added to the report, as anything then is.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.references import REFERENCE_RE
from rasa_ext.intent_step import IntentStep

INTENT_NAME = "add_to_report"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ReferenceIntent(IntentStep):
    def decide(self, message: Message) -> str | None:
        return INTENT_NAME if REFERENCE_RE.search(message.get(TEXT) or "") else None
