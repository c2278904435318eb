"""What the assistant decides and says on a turn, as plain functions the Rasa actions call: the turn
(language, answers, topic buttons), the handoff and lookup forms, the eligibility rules and the lookup's
answer. Imports the parsers (wegweiser.nlu) and the shared core (wegweiser/)."""
