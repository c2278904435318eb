"""Parsers: what a message says (its language, a country, who travels, a residence status, how long a
stay, a crisis term), from the person's own words in any of the six languages. Used by Rasa's NLU
components and by the dialogue; imports only the shared core (wegweiser/)."""
