"""No deep copies for debug lines that are never written.

Rasa's processor, form action and rule policy deep-copy events, slots, the latest message and
every dialogue state on each message, only to pass the copies to ``structlogger.debug(...)``
(2% of a worker). FamilyVoice never logs at DEBUG (bot/logs.py: Rasa writes what she said at
that level). In those three modules, and only there, ``copy.deepcopy`` becomes: the value
itself unless DEBUG is on for Rasa's loggers, a real deep copy when it is. The modules use the
``copy`` module for nothing else; tests/rasa_ext/test_debug_copies.py reads their source and
fails if that ever changes (a Rasa upgrade that deep-copies for real).
"""

from __future__ import annotations

import copy
import logging
from types import ModuleType
from typing import Any

import rasa.core.actions.forms
import rasa.core.policies.rule_policy
import rasa.core.processor

MODULES: tuple[ModuleType, ...] = (rasa.core.processor, rasa.core.actions.forms, rasa.core.policies.rule_policy)
_rasa_logger = logging.getLogger("rasa")


class _CopyForDebugLogs:
    """Stands in for the ``copy`` module where it only feeds debug log lines."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        if _rasa_logger.isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value


def install() -> None:
    for module in MODULES:
        module.copy = _CopyForDebugLogs  # type: ignore[attr-defined]
