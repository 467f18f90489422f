"""Rasa custom actions. Thin: read the tracker, call bot/, return events."""
