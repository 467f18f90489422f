"""The console in a real browser (Playwright + Chromium), started the way `make run` starts it.

A duty officer created from the CLI signs in with her password and an authenticator she sets
up from the QR page, sees the queue most urgent first, opens a referral, changes its rating
with a reason and records a decision. Screenshots of the queue and the referral are saved in
test-artifacts/. The pages run under the strict CSP: any blocked inline script or style would
show up as a console error, and there must be none.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pyotp
import pytest

from bot import keys, origin, sealing, signing_keys
from bot.config import PROJECT_ROOT
from bot.intake import signed_referral
from bot.launcher import Stack, start_console
from bot.referral import Attachment, Reason
from bot.store import Store, StoredReferral
from tests.browser import AXE
from tests.console.conftest import make_referral

PASSWORD = "mizzle over the fells 7"
UTC = dt.timezone.utc
# A 1x1 PNG: a real image, so the page shows it as a photo.
PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def familyvoice(var_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "FAMILYVOICE_VAR_DIR": str(var_dir)}
    for name in (keys.PASSPHRASE_ENV, keys.PASSPHRASE_FILE_ENV, "FAMILYVOICE_DB_URL", "FAMILYVOICE_KEYS_DIR"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=PROJECT_ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def seed(var_dir: Path) -> dict[str, str]:
    """Five referrals, queued in a jumbled order; returns reference -> rating."""
    public = keys.load_public_key(var_dir / "keys" / keys.PUBLIC_KEY_FILE)
    signer = origin.Signer(signing_keys.load_signing_key(var_dir / "keys" / signing_keys.SIGNING_KEY_FILE))
    store = Store(f"sqlite:///{var_dir / 'familyvoice.db'}")
    store.create_all()
    now = dt.datetime.now(UTC)
    plan = [
        ("FV-GRN1-AAAA", "GREEN", now - dt.timedelta(hours=2), dt.timedelta(days=3), False),
        ("FV-AMB1-AAAA", "AMBER", now - dt.timedelta(hours=30), dt.timedelta(hours=-2), False),  # overdue
        ("FV-RED2-AAAA", "RED", now - dt.timedelta(minutes=40), dt.timedelta(hours=3, minutes=20), False),
        ("FV-RED1-AAAA", "RED", now - dt.timedelta(minutes=5), dt.timedelta(0), True),  # danger now
        ("FV-AMB2-AAAA", "AMBER", now - dt.timedelta(hours=1), dt.timedelta(hours=20), False),
    ]
    for reference, priority, received, left, emergency in plan:
        referral = make_referral(reference, priority=priority, received_at=received,
                                 status="incomplete" if reference == "FV-AMB2-AAAA" else "complete")
        if reference == "FV-RED2-AAAA":
            referral.reasons = [Reason("R-INJURY-PARTNER", "An injury where a parent's new partner is involved",
                                       "He had a black eye and said mum's new boyfriend did it.")]
            referral.attachments = [Attachment("bruise.png", "image/png", 68, PIXEL)]
            referral.linked_references = [{"reference": "FV-GRN1-AAAA", "received_at": (now - dt.timedelta(hours=2)).isoformat(),
                                           "matched_fields": ["name", "school"], "strength": "likely"}]
        store.add_referral(signed_referral(signer, StoredReferral(
            reference=reference, received_at=received, channel="webchat", status=referral.status, priority=priority,
            emergency=emergency, deadline=now + left, key_id=sealing.key_id(public), suite=sealing.SUITE_NAME,
            sealed=sealing.seal(referral.to_json().encode(), public, reference))))
    store.engine.dispose()
    return {reference: priority for reference, priority, *_ in plan}


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    var_dir = tmp_path_factory.mktemp("console-var")
    made = familyvoice(var_dir, "keys", "init", "--dev")
    assert made.returncode == 0, made.stderr
    added = familyvoice(var_dir, "officers", "add", "olive", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    seed(var_dir)
    stack = Stack(rasa_port=0, actions_port=0)  # just the console, started as `familyvoice up` does
    start_console(stack, var_dir)
    yield stack.console_url, var_dir
    stack.stop()


def axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    return [f"{v['impact']}: {v['id']} {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_an_officer_signs_in_and_works_the_queue(browser, artifacts, console):
    url, var_dir = console
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # Sign in: password, then set up the authenticator from the QR page
    page.goto(url)
    assert page.url.endswith("/login")
    page.fill("#username", "olive")
    page.fill("#password", PASSWORD)
    page.click("text=Continue")
    assert page.url.endswith("/login/enrol")
    page.wait_for_load_state("load")  # images included
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 100  # the QR code drew
    secret = page.inner_text("#secret").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("text=Finish and sign in")

    # The queue: RED, then AMBER, then GREEN, each by deadline
    assert page.url == url
    order = page.locator("table.queue tbody th a").all_inner_texts()
    assert order == ["FV-RED1-AAAA", "FV-RED2-AAAA", "FV-AMB1-AAAA", "FV-AMB2-AAAA", "FV-GRN1-AAAA"]
    assert "EMERGENCY" in page.inner_text("tr:has(a:text('FV-RED1-AAAA'))")
    assert "overdue by" in page.inner_text("tr:has(a:text('FV-AMB1-AAAA'))")
    assert "INCOMPLETE" in page.inner_text("tr:has(a:text('FV-AMB2-AAAA'))")
    # the rating colours come from the stylesheet (inline styles would have been blocked)
    red = page.locator(".rating-red").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert red == "rgb(177, 14, 30)"
    page.screenshot(path=str(artifacts / "console-queue.png"))

    # Open a referral
    page.click("text=FV-RED2-AAAA")
    assert "R-INJURY-PARTNER" in page.inner_text("#why ~ ul")
    assert "mum's new boyfriend did it" in page.inner_text(".description")
    page.wait_for_load_state("load")
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") == 1
    assert page.locator("a[href='/referrals/FV-GRN1-AAAA']").count() == 1  # linked referral
    page.screenshot(path=str(artifacts / "console-referral.png"), full_page=True)

    # Acknowledge, change the rating with a reason, record the decision
    page.click("text=Acknowledge and take it")
    assert "You are working on this referral" in page.inner_text(".actions")
    page.select_option("#rating", "AMBER")
    page.fill("#reason", "Spoke to the school: the bruise was seen by the nurse and explained; no partner at home.")
    page.click("button:text('Change the rating')")
    history = page.inner_text(".history")
    assert "changed the rating from RED to AMBER" in history and "explained; no partner at home" in history
    page.check("input[value='early_help']")
    page.fill("#note", "Early help via the school's family support worker.")
    page.click("button:text('Record the decision')")
    assert "decided: Early help" in page.inner_text(".history")
    page.screenshot(path=str(artifacts / "console-referral-decided.png"), full_page=True)

    page.click("text=Back to the queue")
    assert "FV-RED2-AAAA" not in page.locator("table.queue").inner_text()  # decided: off the list
    assert errors == []  # nothing blocked by the CSP, no script errors

    # Accessibility (axe needs to inject a script, so this context bypasses the CSP)
    checker = browser.new_context(bypass_csp=True)
    checker.add_cookies(context.cookies())
    check = checker.new_page()
    for path in ("", "referrals/FV-RED1-AAAA"):
        check.goto(url + path)
        assert axe_problems(check) == [], path
    checker.close()
    context.close()

    # The trail a serious case review could trust
    verified = familyvoice(var_dir, "audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout
