"""Linking referrals about the same child: normalising, blind indexes, the rule, and intake."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from bot import linking, linking_store
from bot.intake import Intake
from bot.linking import BlindIndexer, ChildIdentity, match
from bot.referral import Referral
from bot.sealing import open_sealed
from bot.store import Store

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
SECRET = bytes(range(32))


def child(name=None, age=None, age_text=None, area=None, school=None) -> ChildIdentity:
    if age_text is None and age is not None:
        age_text = f"{age:g}"
    return ChildIdentity(name=name, age_years=age, age_text=age_text, area=area, school=school)


# (first report, second report, how sure, the fields that link them); the second 4 months later.
LIKELY, POSSIBLE = linking.LIKELY, linking.POSSIBLE
LINKED = [
    pytest.param(child("Tom", 3, area="Leeds LS6"),
                 child("Thomas", 3.5, "about three and a half", area="LS6 2AB"),
                 LIKELY, ["name", "age", "district"], id="two relatives, the same toddler, different words"),
    pytest.param(child("Ellie", 5, school="St Mary's Primary"),
                 child("Eleanor", 5, school="st marys primary school"),
                 LIKELY, ["name", "age", "school"], id="nickname and school spelt differently"),
    pytest.param(child("Zoë Smith", 7), child("zoe smith", 7),
                 LIKELY, ["name", "surname", "age"], id="accents and case"),
    pytest.param(child("Tommy Hughes", area="Wakefield", school="Oakwood Academy"),
                 child("Tom Hughes", 9, school="Oakwood", area="WF1 3AB"),
                 LIKELY, ["name", "surname", "town", "school"], id="age unknown on one side"),
    pytest.param(child("Mohammed", 4, area="LS8"), child("Muhammad", 4, area="LS8 1AA"),
                 LIKELY, ["name", "age", "district"], id="spellings of one name"),
    pytest.param(child("Lily", 0.27, "14 weeks", area="WF1"), child("Lily", 0.5, "6 months", area="WF1"),
                 LIKELY, ["name", "age", "district"], id="a baby, 14 weeks then 6 months"),
    pytest.param(child("Jack", 2, area="BD3"), child("John", 2, area="Bradford"),
                 POSSIBLE, ["name", "age", "town"], id="Jack is John and BD is Bradford, but a town is wide"),
    pytest.param(child("Alex", 6, area="Halifax"), child("Alexandra", 6),
                 POSSIBLE, ["name", "age"], id="Alex may be Alexandra"),
    pytest.param(child("Jayden", age_text="born 3/4/2023"), child("Jaden", 3),
                 POSSIBLE, ["name", "age"], id="date of birth against an age"),
    pytest.param(child("the little boy at number 12", 4, area="LS6", school="St Mary's"),
                 child("Tom", 4, area="LS6 2AB", school="St Mary's C of E Primary"),
                 POSSIBLE, ["age", "district", "school"], id="no name on one side: age, area and school"),
]

NOT_LINKED = [
    pytest.param(child("Tom", 7, area="LS6", school="St Mary's Primary"),
                 child("Lily", 7, area="LS6", school="St Mary's Primary"), id="two children in the same class"),
    pytest.param(child("Tom Smith", 7, school="St Mary's Primary"),
                 child("Tom Jones", 7, school="St Mary's Primary"), id="two Toms in the same class"),
    pytest.param(child("Tom", 3, area="LS6"), child("Tom", 9, area="LS6"), id="same name and area, ages apart"),
    pytest.param(child("Lily", 0.27, "14 weeks", area="WF1"), child("Lily", 1.5, "18 months", area="WF1"),
                 id="a baby and a toddler"),
    pytest.param(child("Alexander", 6, area="Leeds"), child("Alexandra", 6, area="Leeds"), id="Alexander is not Alexandra"),
    pytest.param(child("Tom"), child("Tom"), id="a name alone is not enough"),
    pytest.param(child("Tom", area="Leeds"), child("Tommy", area="Leeds"), id="nor a name and a town"),
    pytest.param(child("Tom", 3, area="LS6"), child("Tom", 6, area="BD3"), id="same name, nothing else"),
    pytest.param(child(None, 4, area="LS6", school="St Mary's"), child(None, 4, area="LS6", school="Oakwood"),
                 id="no names, different schools"),
    pytest.param(child(None, 4, area="LS6"), child("Tom", 4, area="LS6"), id="no name: school needed too"),
]


def indexes(identity: ChildIdentity, when: datetime, secret: bytes = SECRET):
    return BlindIndexer(secret).indexes(identity, when)


@pytest.mark.parametrize("first, second, strength, fields", LINKED)
def test_reports_about_the_same_child_link(first, second, strength, fields):
    earlier = indexes(first, NOW - timedelta(days=120))
    assert match(indexes(second, NOW), earlier) == linking.Match(strength, fields)


@pytest.mark.parametrize("first, second", NOT_LINKED)
def test_reports_about_different_children_do_not_link(first, second):
    assert match(indexes(second, NOW), indexes(first, NOW - timedelta(days=120))) is None


@pytest.mark.parametrize(
    "name, expected",
    [("Tommy", {"thomas"}), ("Bill", {"wiliam"}), ("Lizzie", {"elizabeth"}), ("Katie", {"katherine"}),
     ("Sam", {"samuel", "samantha"}), ("Charlie", {"charles", "charlote"}), ("Bobby", {"robert"}),
     ("Maddie", {"madison", "madeleine"}), ("Jamie", {"james"}), ("Mike", {"michael"}), ("Dan", {"daniel"}),
     ("little Tommy", {"thomas"}), ("his name is Tom", {"thomas"}), ("Kayleigh", {"kayleigh"}),
     ("I don't know his name", set()), ("Tom and Lily", set()), ("the baby", set())],
)
def test_first_names_are_read_through_nicknames(name, expected):
    assert linking.first_names(name)[0] == expected


@pytest.mark.parametrize(
    "area, district, towns",
    [("LS6 2AB", {"LS6"}, {"leeds"}), ("They live in Leeds, ls6", {"LS6"}, {"leeds"}),
     ("the Hillside estate in Wakefield", set(), {"wakefield"}), ("Little Snoring", set(), {"little snoring"}),
     ("near the park", set(), set()), ("off the A1 near M62", set(), set())],
)
def test_areas_read_as_postcode_district_and_town(area, district, towns):
    assert linking.postcode_districts(area) == district and linking.towns(area) == towns


@pytest.mark.parametrize(
    "school, key",
    [("St Mary's Primary", "saint mary"), ("st marys primary school", "saint mary"),
     ("St. Mary's C of E Primary School, Leeds", "saint mary"), ("she goes to Little Stars nursery", "litle star"),
     ("St Helens Primary", "saint helen"), ("he doesn't go to school", None), ("home educated", None)],
)
def test_school_names_normalise(school, key):
    assert linking.school_key(school) == key


def test_blind_indexes_hold_no_plaintext_and_differ_per_field_and_per_key():
    identity = child("Leeds", 3, area="Leeds LS6", school="Leeds Grammar")  # "leeds" in three fields
    values = linking.normalised(identity, NOW)
    ours = indexes(identity, NOW)
    assert set(ours) == {"name", "age", "district", "town", "school"}
    digests = [d for field in ours.values() for d in field]
    assert all(len(d) == linking.DIGEST_BYTES for d in digests)
    for value in {v for field in values.values() for v in field}:
        for digest in digests:
            assert value.encode() not in digest and value.upper().encode() not in digest
    # The same word under two fields gives two unrelated digests...
    indexer = BlindIndexer(SECRET)
    assert indexer.digest("name", "leeds") != indexer.digest("town", "leeds") != indexer.digest("school", "leeds")
    # ...and another unit's key gives different digests for the very same child.
    theirs = indexes(identity, NOW, secret=b"\x01" * 32)
    assert all(not (ours[f] & theirs[f]) for f in ours)
    assert match(theirs, ours) is None


# --- through intake ---------------------------------------------------------------------------


@pytest.fixture
def intake(tmp_path, unit_private_key) -> Intake:
    store = Store(f"sqlite:///{tmp_path / 'fv.db'}")
    store.create_all()
    return Intake(store, unit_private_key.public_key(), b"k" * 32, linking_secret=SECRET)


def report(name: str, age: str, area: str, worry: str = "She seems sad and hungry lately") -> dict:
    return {"child_name": name, "child_age": age, "child_area": area, "concern_description": worry}


def events(text: str, at: datetime) -> list[dict]:
    return [{"event": "user", "text": text, "timestamp": at.timestamp()}]


def opened(intake: Intake, key, reference: str) -> Referral:
    return Referral.from_json(open_sealed(intake.store.get(reference).sealed, key, reference))


def test_a_second_relative_s_report_links_to_the_first_and_goes_up_a_level(intake, unit_private_key, tmp_path):
    first_at = NOW - timedelta(days=100)
    first = intake.submit(report("Tom", "3", "Leeds LS6"), events("gran", first_at), channel="webchat",
                          conversation_id="gran", now=first_at)
    second = intake.submit(report("Thomas", "about three and a half", "LS6 2AB"), events("aunt", NOW),
                           channel="sms", conversation_id="aunt", now=NOW)
    assert first.priority == "GREEN"
    assert second.priority == "AMBER"  # the same worry, one level up for the earlier referral

    referral = opened(intake, unit_private_key, second.reference)
    assert referral.linked_references == [
        {"reference": first.reference, "received_at": first_at.isoformat(),
         "matched_fields": ["name", "age", "district"], "strength": "likely", "child": 0, "earlier_child": 0}
    ]
    assert referral.reasons[0].rule == "R-REPEAT"
    assert opened(intake, unit_private_key, first.reference).linked_references == []
    # The console can see the link from both ends.
    assert linking_store.links_of(intake.store, first.reference) == [
        {"reference": second.reference, "direction": "later", "matched_fields": ["name", "age", "district"],
         "strength": "likely"}
    ]
    # Nothing about the child is readable in the database.
    database = (tmp_path / "fv.db").read_bytes()
    for plain in (b"Thomas", b"thomas", b"LS6", b"leeds", b"Leeds"):
        assert plain not in database


def test_a_link_older_than_12_months_is_listed_but_does_not_raise_the_rating(intake, unit_private_key):
    old_at = NOW - timedelta(days=400)
    old = intake.submit(report("Tom", "2", "LS6"), events("old", old_at), channel="webchat",
                        conversation_id="old", now=old_at)
    new = intake.submit(report("Tom", "3", "LS6"), events("new", NOW), channel="webchat", conversation_id="new", now=NOW)
    assert new.priority == "GREEN"
    assert [link["reference"] for link in opened(intake, unit_private_key, new.reference).linked_references] == [
        old.reference
    ]


def test_red_stays_red_and_r_repeat_is_listed_last(intake, unit_private_key):
    first_at = NOW - timedelta(days=10)
    intake.submit(report("Tom", "3", "LS6"), events("a", first_at), channel="webchat", conversation_id="a", now=first_at)
    red = intake.submit(report("Tom", "3", "LS6", "he told me daddy hits him with a belt"), events("b", NOW),
                        channel="webchat", conversation_id="b", now=NOW)
    rules = [r.rule for r in opened(intake, unit_private_key, red.reference).reasons]
    assert red.priority == "RED" and rules[-1] == "R-REPEAT"


def test_a_different_child_at_the_same_school_does_not_raise_the_rating(intake, unit_private_key):
    first_at = NOW - timedelta(days=30)
    intake.submit({**report("Tom Smith", "7", "LS6"), "child_school": "St Mary's Primary"}, events("a", first_at),
                  channel="webchat", conversation_id="a", now=first_at)
    other = intake.submit({**report("Lily", "7", "LS6"), "child_school": "St Marys"}, events("b", NOW),
                          channel="webchat", conversation_id="b", now=NOW)
    assert other.priority == "GREEN"
    assert opened(intake, unit_private_key, other.reference).linked_references == []


def test_every_earlier_report_is_listed_newest_first(intake, unit_private_key):
    made = []
    for days in (200, 50, 5):
        at = NOW - timedelta(days=days)
        made.append(intake.submit(report("Katie", "6", "Halifax HX1"), events(str(days), at), channel="webchat",
                                  conversation_id=f"c{days}", now=at).reference)
    latest = intake.submit(report("Kate", "6", "HX1 2AB"), events("now", NOW), channel="webchat",
                           conversation_id="now", now=NOW)
    linked = opened(intake, unit_private_key, latest.reference).linked_references
    assert [link["reference"] for link in linked] == list(reversed(made))
    assert all(link["matched_fields"] == ["name", "age", "district"] for link in linked)
    reasons = opened(intake, unit_private_key, latest.reference).reasons
    assert "3 earlier referrals" in json.dumps([r.evidence for r in reasons])


def test_possible_links_are_listed_but_do_not_raise_the_rating(intake, unit_private_key):
    earlier = []
    for i in range(7):  # seven different Olivers of about four in one town
        at = NOW - timedelta(days=10 + i)
        earlier.append(intake.submit(report("Oliver", "4", "Leeds"), events(f"o{i}", at), channel="webchat",
                                     conversation_id=f"o{i}", now=at).reference)
    new = intake.submit(report("Ollie", "4", "Leeds"), events("new", NOW), channel="webchat",
                        conversation_id="new", now=NOW)
    assert new.priority == "GREEN"
    linked = opened(intake, unit_private_key, new.reference).linked_references
    assert [link["reference"] for link in linked] == earlier[: linking_store.MAX_POSSIBLE]  # newest first
    assert {link["strength"] for link in linked} == {"possible"}


def test_deleting_a_referral_deletes_its_indexes(intake):
    receipt = intake.submit(report("Tom", "3", "LS6"), events("a", NOW), channel="webchat", conversation_id="a", now=NOW)
    from sqlalchemy import delete, func, select
    from sqlalchemy.orm import Session

    from bot.store import ReferralRow

    with Session(intake.store.engine, future=True) as session, session.begin():
        assert session.execute(select(func.count()).select_from(linking_store.ChildIndexRow)).scalar_one() > 0
        session.execute(delete(ReferralRow).where(ReferralRow.reference == receipt.reference))
    with Session(intake.store.engine, future=True) as session:
        assert session.execute(select(func.count()).select_from(linking_store.ChildIndexRow)).scalar_one() == 0


# --- the linking secret -----------------------------------------------------------------------


def test_keys_init_makes_a_linking_secret_and_never_replaces_it(tmp_path, cheap_key_derivation):
    from bot import keys

    paths = keys.init_keys(tmp_path, b"a passphrase")
    secret_file = tmp_path / keys.LINKING_SECRET_FILE
    assert secret_file.stat().st_mode & 0o777 == 0o600
    before = keys.load_linking_secret(secret_file)
    assert len(before) == 32 and before != keys.load_intake_secret(paths.intake_secret)
    keys.init_keys(tmp_path, b"another passphrase", force=True, new_intake_secret=True)
    keys.ensure_linking_secret(tmp_path)
    assert keys.load_linking_secret(secret_file) == before  # replacing it would break every link


def test_intake_from_settings_links_with_the_linking_secret_file(tmp_path, cheap_key_derivation):
    from bot import keys
    from bot.config import settings

    keys.init_keys(tmp_path / "keys", b"a passphrase")
    cfg = settings({"FAMILYVOICE_VAR_DIR": str(tmp_path)})
    intake = Intake.from_settings(cfg)
    expected = BlindIndexer(keys.load_linking_secret(cfg.linking_secret_path)).indexes(child("Tom", 3), NOW)
    assert intake.linker.indexes(child("Tom", 3), NOW) == expected
    (tmp_path / "keys" / keys.LINKING_SECRET_FILE).unlink()
    with pytest.raises(keys.KeyFileError, match="keys init"):
        Intake.from_settings(cfg)


def test_keys_init_adds_a_linking_secret_to_keys_made_before_linking(tmp_path, monkeypatch, cheap_key_derivation):
    from bot import cli, keys

    keys.init_keys(tmp_path / "keys", b"a passphrase")
    (tmp_path / "keys" / keys.LINKING_SECRET_FILE).unlink()  # as made by an older version
    monkeypatch.setenv("FAMILYVOICE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("FAMILYVOICE_KEY_PASSPHRASE", "a passphrase")
    assert cli.main(["keys", "init"]) == 0
    assert len(keys.load_linking_secret(tmp_path / "keys" / keys.LINKING_SECRET_FILE)) == 32
    assert cli.main(["keys", "init"]) == 1  # now everything is there: nothing to do, as before


def _siblings() -> dict:
    siblings = report("Mason", "8", "Rotherham S65")
    siblings["children"] = [{"name": "Mason", "age": "8"}, {"name": "Lily", "age": "5"}]
    return siblings


def test_each_child_of_a_report_is_linked_by_indexes_of_its_own(intake, unit_private_key):
    first_at = NOW - timedelta(days=30)
    both = intake.submit(_siblings(), events("nan", first_at), channel="sms", conversation_id="nan", now=first_at)
    lily = intake.submit(report("Lily", "5", "S65 1AA"), events("aunt", NOW), channel="webchat",
                         conversation_id="aunt", now=NOW)
    links = opened(intake, unit_private_key, lily.reference).linked_references
    assert [(link["reference"], link["matched_fields"], link["child"], link["earlier_child"]) for link in links] == [
        (both.reference, ["name", "age", "district"], 0, 1)  # Lily was the second child named
    ]
    rows = intake.store.engine.connect().exec_driver_sql(
        "SELECT DISTINCT child FROM child_indexes WHERE reference = ?", (both.reference,)
    ).fetchall()
    assert sorted(r[0] for r in rows) == [0, 1]


def test_one_childs_name_and_anothers_age_are_not_a_third_child(intake, unit_private_key):
    first_at = NOW - timedelta(days=30)
    intake.submit(_siblings(), events("nan", first_at), channel="sms", conversation_id="nan", now=first_at)
    # Mason's name with Lily's age, in the same district: neither of them.
    other = intake.submit(report("Mason", "5", "S65 1AA"), events("x", NOW), channel="webchat",
                          conversation_id="x", now=NOW)
    assert opened(intake, unit_private_key, other.reference).linked_references == []
