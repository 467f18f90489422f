"""Every route, by name, and who may reach it.

Deny by default: the login gate (``middleware.gate``) lets a request through only if its route
is named here and the session fits. A route that is in none of the sets below needs a fully
signed-in session; one added without a name is refused outright.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.console import views_auth, views_forwarding, views_queue, views_referral

# Reachable with no session at all.
PUBLIC = frozenset({"login", "login_submit", "static", "health"})
# Reachable between the password and the code (and also once signed in, for logout).
SECOND_FACTOR = frozenset({"code", "code_submit", "enrol", "enrol_qr", "enrol_submit"})
ANY_SESSION = frozenset({"logout"})
# Reachable only by managers.
MANAGERS_ONLY = frozenset({"referral_audit", "forwarding", "forwarding_retry"})

REFERENCE = r"{reference:[A-Za-z0-9-]{1,32}}"


def setup_routes(app: web.Application, static_dir: Path) -> None:
    router = app.router
    router.add_get("/health", views_auth.health, name="health")
    router.add_get("/login", views_auth.login_form, name="login")
    router.add_post("/login", views_auth.login_submit, name="login_submit")
    router.add_get("/login/code", views_auth.code_form, name="code")
    router.add_post("/login/code", views_auth.code_submit, name="code_submit")
    router.add_get("/login/enrol", views_auth.enrol_form, name="enrol")
    router.add_get("/login/enrol/qr.svg", views_auth.enrol_qr, name="enrol_qr")
    router.add_post("/login/enrol", views_auth.enrol_submit, name="enrol_submit")
    router.add_post("/logout", views_auth.logout, name="logout")

    router.add_get("/", views_queue.queue_page, name="queue")
    base = f"/referrals/{REFERENCE}"
    router.add_get(base, views_referral.show, name="referral")
    router.add_get(base + r"/attachments/{index:\d{1,4}}", views_referral.attachment, name="attachment")
    router.add_post(base + "/acknowledge", views_referral.acknowledge, name="acknowledge")
    router.add_post(base + "/rating", views_referral.change_rating, name="change_rating")
    router.add_post(base + "/decision", views_referral.decide, name="decide")
    router.add_post(base + "/notes", views_referral.add_note, name="add_note")
    router.add_get(base + "/audit", views_referral.audit_trail, name="referral_audit")

    router.add_get("/forwarding", views_forwarding.forwarding_page, name="forwarding")
    router.add_post("/forwarding/" + REFERENCE + "/retry", views_forwarding.forwarding_retry, name="forwarding_retry")

    router.add_static("/static/", static_dir, name="static", append_version=True)
