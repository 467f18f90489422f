"""Rasa's debug-only deep copies are skipped only where they feed nothing but debug lines,
and made as before when DEBUG is on."""

from __future__ import annotations

import ast
import inspect
import logging

import pytest

from rasa_ext import debug_copies


def _copy_uses(module) -> list[tuple[int, bool]]:
    """Every use of the ``copy`` module in ``module``: (line, inside a ``*.debug(...)`` call)."""
    tree = ast.parse(inspect.getsource(module))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "copy":
            up, in_debug = node, False
            while up in parents:
                up = parents[up]
                if isinstance(up, ast.Call) and isinstance(up.func, ast.Attribute) and up.func.attr == "debug":
                    in_debug = True
                    break
            uses.append((node.lineno, node.attr == "deepcopy" and in_debug))
    return uses


@pytest.mark.parametrize("module", debug_copies.MODULES, ids=lambda m: m.__name__)
def test_every_deep_copy_in_the_patched_modules_only_feeds_a_debug_line(module):
    uses = _copy_uses(module)
    assert uses, "Rasa changed: nothing to patch here any more"
    assert [line for line, only_for_debug in uses if not only_for_debug] == []


def test_skipped_at_info_and_made_at_debug():
    debug_copies.install()
    shim = debug_copies.MODULES[0].copy
    value = {"slots": {"child_name": ["x"]}}
    rasa_logger = logging.getLogger("rasa")
    before = rasa_logger.level
    try:
        rasa_logger.setLevel(logging.INFO)
        assert shim.deepcopy(value) is value
        rasa_logger.setLevel(logging.DEBUG)
        copied = shim.deepcopy(value)
        assert copied == value and copied is not value and copied["slots"] is not value["slots"]
    finally:
        rasa_logger.setLevel(before)
