"""The pages' shared layer: one base layout, stylesheet and script, the message catalogues
(Bahasa Indonesia first, English second), CSRF tokens and a strict Content-Security-Policy.

Every service that serves pages builds one :class:`wbs_runtime.web.pages.WebPages` and includes
its router; the gateway routes the shared paths (``/static/wbs/``, ``/bahasa``) to directory.
"""

#: The language cookie the switch sets: ``id`` (the default) or ``en``.
LANGUAGE_COOKIE = "wbs_bahasa"
#: Where every service serves the runtime's stylesheet and script.
STATIC_PREFIX = "/static/wbs"
#: The language switch (a GET form: a preference, not a state change).
LANGUAGE_PATH = "/bahasa"
#: What the gateway passes to directory instead of the client's address: an HMAC of the address
#: under a key that changes every throttling window, so directory can count wrong passwords per
#: client without ever learning who the client is.
CLIENT_PSEUDONYM_HEADER = "X-WBS-Client"
