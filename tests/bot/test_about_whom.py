"""Who a message is about: a child, an adult who may be at risk, or the writer as a child."""

from __future__ import annotations

import pytest

from bot.about_whom import mentions_child, names_adult, speaks_as_child


@pytest.mark.parametrize("text, child", [
    ("my grandson", True), ("the kids", True), ("she is 2", True), ("hes 14 weeks", True),
    ("at nursery", True),
    ("my daughter is 25", False), ("my mum", False), ("im 67", False), ("after 6 pm", False),
    ("my girlfriend", False), ("my sister", False), ("her little sister", True),
])
def test_what_counts_as_a_child(text, child):
    assert mentions_child(text) is child


def test_who_counts_as_an_adult_or_a_child_writing():
    assert names_adult("my mum is 84") and names_adult("the old man next door")
    assert not names_adult("he hits her")
    assert speaks_as_child("I'm 13 and my dad hits me")
    assert not speaks_as_child("im 67 and he hits me")
    assert not speaks_as_child("my grandson said his dad hits me")


@pytest.mark.parametrize("text, child", [
    ("her mum's boyfriend sends her pictures and shes 13", True),
    ("my friend's husband is violent and her son has marks on his neck", True),
    ("my sister's daughter", True),
    ("my grown up son", False),
    ("her son is 22 and his girlfriend hits him", False),
])
def test_someone_elses_son_or_daughter_is_a_child_unless_grown_up(text, child):
    assert mentions_child(text) is child


def test_the_son_of_someone_old_is_not_taken_for_a_child():
    assert not mentions_child("the old man next door is being abused by his son")
    assert names_adult("the old man next door is being abused by his son")
