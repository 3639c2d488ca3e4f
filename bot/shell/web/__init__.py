"""The web channel: residents who cannot reach Telegram use the same bot in a phone browser.

``gateway`` is a Bot API server kept in SQLite (``store``) that the bot talks to as to
Telegram; ``server`` serves the chat page (``static/``) and its JSON API; ``transport`` routes
the bot's calls between Telegram and the gateway when one process serves both.
"""
