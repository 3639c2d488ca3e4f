"""The SQLite store: connection, numbered migrations, repository functions and persistence.

- ``db.database``: ``Database.open(path)`` -> ``write()`` (``BEGIN IMMEDIATE``, serialised),
  ``read()``, ``backup()``, ``checkpoint()``, ``integrity_ok()``, ``ping()``, ``close()``;
  ``backup_file()`` for the CLI; migrations in ``db/migrations/NNNN_name.sql``.
- Repositories (take the yielded connection, never commit): ``db.users``, ``db.questions``,
  ``db.audit``, ``db.projects``, ``db.referrals``, ``db.complaints``, ``db.trainings`` ...
- ``db.models``: frozen dataclasses, status enums, the time format and the list of personal
  columns (PIPL).
- ``db.persistence``: ``SQLitePersistence`` and ``persist_update`` for python-telegram-bot.

No ``telegram`` import except in ``db.persistence`` (the PTB persistence adapter).
"""
