"""The knowledge base of policy topics and its search.

Pure and synchronous: no ``telegram`` import, no database, no network.
"""
