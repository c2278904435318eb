"""Wegweiser's domain library, split by who uses it (docs/architecture.md).

The modules directly in this package are the shared core that every side may import, the Telegram
gateway's virtualenv included: content loading (content, paths, faq, freshness), the one sentence lookup
(texts), programme facts and their rendering (facts, render), the handoff request's contract (handoff),
people's files (private_files) and the questions not understood (unanswered). They import nothing from
the subpackages:

- wegweiser.nlu: parsers of a message (language, country, family, residence, stay, crisis terms);
- wegweiser.dialogue: what the assistant decides and says on a turn (forms, lookup, eligibility);
- wegweiser.maintenance: checks, evaluation, the needs report and the handbook (scripts/, bench/).
"""
