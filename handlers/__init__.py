"""python-telegram-bot callbacks, one module per feature.

Handlers translate: read the update, call a service from ``bot``, render texts. They hold no
SQL, no scoring and no user-visible string literals.
"""
