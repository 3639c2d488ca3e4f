"""The knowledge base of policy topics and its search.

Pure and synchronous: no ``telegram`` import, no database, no network.

Public API (import the submodules; this package imports nothing so ``ask`` starts fast):

- ``knowledge.loader.load_knowledge_base(directory=None, extra_examples=None)`` ->
  ``knowledge.model.KnowledgeBase`` (``topics``, ``by_id``, ``categories``, ``topics_in``);
  raises ``knowledge.model.KnowledgeBaseError`` with one ``file: field: problem`` line each.
- ``knowledge.search.Searcher(kb).search(text)`` -> ``SearchResult`` (``decision``,
  ``topic_id``, ``confidence``, ``alternatives``, ``reason``, ``normalized``); ``answer_text`` and
  ``result_to_json`` turn a result into the reply / the ``ask --json`` object.
- ``knowledge.render.render_answer(topic, lang, contact)``, ``render_source``,
  ``render_choices``: plain text with the office's contact filled in.

Topic files live in ``knowledge/topics/*.toml`` (``_categories.toml`` lists categories).
"""
