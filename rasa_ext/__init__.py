"""Extensions that plug into Rasa itself (so they may import Rasa; bot/ may not)."""
