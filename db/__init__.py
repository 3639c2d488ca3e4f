"""The SQLite store: connection, numbered migrations, repository functions and persistence.

No ``telegram`` import except in ``db.persistence`` (the PTB persistence adapter).
"""
