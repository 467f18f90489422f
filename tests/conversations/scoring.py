"""Reading a simulated relative's sealed referral back, and scoring the key facts she told."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable


def open_referral(var_dir: Path, reference: str) -> dict[str, Any]:
    """The sealed referral as a duty officer reads it: its origin checked, opened with the unit's
    private key (the development passphrase file)."""
    from bot import keys, signing_keys
    from bot.console.consolekey import load_console_key
    from bot.console.integrity import ConsoleRecords, Integrity
    from bot.origin import Verifier
    from bot.referral import Referral
    from bot.store import Store

    keys_dir = var_dir / "keys"
    store = Store(f"sqlite:///{var_dir / 'familyvoice.db'}")
    try:
        row = store.get(reference)
        assert row is not None, f"{reference} is not in the store"
        integrity = Integrity(
            Verifier(signing_keys.load_signing_public_keys(keys_dir)),
            ConsoleRecords(load_console_key(keys_dir, create=True)),
        )
        check = integrity.referral(row, store.rating_changes([reference])[reference])
        assert check.origin.ok, check.problems
        passphrase = (keys_dir / "dev-passphrase").read_bytes().strip()
        unit_keys = keys.load_unit_keys(keys_dir, passphrase)
        sealed = unit_keys.open(
            row.sealed, row.reference, "referral", suite=row.suite, key=row.key_id
        )
        data = Referral.from_json(sealed).to_dict()
        data["_stored_status"] = row.status
        return data
    finally:
        store.engine.dispose()


def _has(value: Any, words: str | Iterable[str]) -> bool:
    if value is None:
        return False
    text = (
        json.dumps(value, ensure_ascii=False).lower()
        if not isinstance(value, str)
        else value.lower()
    )
    text = text.replace("\u2019", "'")
    wanted = [words] if isinstance(words, str) else list(words)
    return all(str(w).lower() in text for w in wanted)


def _get(data: dict[str, Any] | None, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def score(expect: dict[str, Any], referral: dict[str, Any] | None) -> dict[str, bool]:
    """Each key fact the persona told, and whether the referral holds it."""
    facts: dict[str, bool] = {}
    r = referral or {}
    children = r.get("children") or ([r["child"]] if r.get("child") else [])
    for i, child in enumerate(expect.get("children") or []):
        mine = children[i] if i < len(children) else None
        if "name" in child:
            names = [c.get("name") for c in children]
            facts[f"child{i + 1}.name"] = any(_has(n, child["name"]) for n in names)
        if "age" in child:
            wanted_age = float(child["age"])
            facts[f"child{i + 1}.age"] = (
                any(c.get("age_years") == wanted_age for c in children)
                if mine or children
                else False
            )
        if "school" in child:
            facts[f"child{i + 1}.school"] = any(
                _has(c.get("school"), child["school"]) for c in children
            )
    if "area" in expect:
        facts["area"] = any(_has(c.get("area"), expect["area"]) for c in children)
    for word in expect.get("concern") or []:
        facts[f"concern:{word}"] = _has(_get(r, "concern", "description"), word)
    if "injuries" in expect:
        facts["injuries_seen"] = _get(r, "concern", "injuries_seen") is expect["injuries"]
    if "when" in expect:
        facts["when"] = _has(_get(r, "concern", "when"), expect["when"])
    if "child_said" in expect:
        facts["child_said"] = _has(_get(r, "concern", "child_said"), expect["child_said"])
    poc = expect.get("poc") or {}
    if "words" in poc:
        facts["poc.words"] = _has(_get(r, "person_of_concern", "description"), poc["words"])
    if "relationship" in poc:
        facts["poc.relationship"] = _has(
            _get(r, "person_of_concern", "relationship_to_child"), poc["relationship"]
        )
    if "lives_with_child" in poc:
        facts["poc.lives_with_child"] = (
            _get(r, "person_of_concern", "lives_with_child") is poc["lives_with_child"]
        )
    if "household" in expect:
        facts["household"] = _has(r.get("household"), expect["household"])
    if "reported_before" in expect:
        facts["reported_before"] = (
            _get(r, "previous_reports", "reported_before") is expect["reported_before"]
        )
    if "reported_to" in expect:
        facts["reported_to"] = _has(_get(r, "previous_reports", "to_whom"), expect["reported_to"])
    reporter = expect.get("reporter") or {}
    if "relationship" in reporter:
        facts["reporter.relationship"] = (
            _get(r, "reporter", "relationship") == reporter["relationship"]
        )
    if "words" in reporter:
        facts["reporter.words"] = _has(_get(r, "reporter", "relationship_words"), reporter["words"])
    if "name" in reporter:
        facts["reporter.name"] = _has(_get(r, "reporter", "name"), reporter["name"])
    if "anonymous" in reporter:
        facts["reporter.anonymous"] = _get(r, "reporter", "anonymous") is reporter["anonymous"]
    contact = expect.get("contact") or {}
    if "safe" in contact:
        facts["contact.safe"] = _get(r, "reporter", "safe_to_contact") is contact["safe"]
    if "how" in contact:
        facts["contact.how"] = _has(_get(r, "reporter", "contact"), contact["how"])
    if "when" in contact:
        facts["contact.when"] = _has(_get(r, "reporter", "safe_times"), contact["when"])
    if "parent_aware" in expect:
        facts["parent_aware"] = r.get("parent_aware") is expect["parent_aware"]
    if "told_999" in expect:
        bot_said = " ".join(t["text"] for t in r.get("transcript") or [] if t["speaker"] == "bot")
        told = "call 999 now" in bot_said
        facts["told_999"] = (
            told is expect["told_999"] and bool(r.get("emergency")) is expect["told_999"]
        )
    mash = expect.get("mash") or {}
    if "source" in mash:
        facts["mash.source"] = _get(r, "source", "kind") == mash["source"]
    if "language" in mash:
        facts["mash.language"] = any(
            _has(c.get("first_language"), mash["language"]) for c in children
        )
    if "interpreter" in mash:
        facts["mash.interpreter"] = any(
            c.get("interpreter_needed") is mash["interpreter"] for c in children
        )
    if "needs" in mash:
        facts["mash.needs"] = any(_has(c.get("additional_needs"), mash["needs"]) for c in children)
    return facts
