"""Custom Rasa NLU graph components (loaded by Rasa from config.yml by module path)."""
from components import speedups

speedups.install()
