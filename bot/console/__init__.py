"""The duty officers' console: the unit's queue, opened safely and acted on.

An aiohttp application, server-rendered with jinja2 and usable without JavaScript. It is the
only process that holds the unit's private key (loaded once at start with a passphrase from the
environment or a file, never stored), so it is the only place a referral is read.

Modules: ``app`` (``init_app``), ``routes`` (named routes and who may reach them),
``middleware`` (headers, deny-by-default login gate, CSRF), ``views_*`` (thin handlers),
``tables`` (the console's own tables), ``passwords``, ``accounts``, ``sessions``, ``audit``,
``casework`` (acknowledge, re-rate, decide, notes), ``queue``, ``opening`` (decrypting a
referral for display), ``cli`` (``familyvoice officers|audit|console``).

Importing this package imports nothing heavy; the action server never needs the console.
"""
