"""The typed keys under which the console's parts hang off the aiohttp application."""

from __future__ import annotations

from aiohttp import web

from bot.console.accounts import Accounts
from bot.console.audit import AuditLog
from bot.console.casework import Casework
from bot.console.config import ConsoleConfig
from bot.console.integrity import Integrity
from bot.console.sessions import Sessions
from bot.console.signin import SignIn
from bot.store import Store

CONFIG = web.AppKey("config", ConsoleConfig)
STORE = web.AppKey("store", Store)
AUDIT = web.AppKey("audit", AuditLog)
ACCOUNTS = web.AppKey("accounts", Accounts)
SESSIONS = web.AppKey("sessions", Sessions)
SIGN_IN = web.AppKey("sign_in", SignIn)
CASEWORK = web.AppKey("casework", Casework)
INTEGRITY = web.AppKey("integrity", Integrity)
