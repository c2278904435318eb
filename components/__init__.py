"""Custom Rasa NLU graph components (loaded by Rasa from config.yml by module path)."""
from components import history_states, speedups

speedups.install()
history_states.install()
