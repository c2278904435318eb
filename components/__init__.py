"""Custom Rasa NLU graph components (loaded by Rasa from config.yml by module path), and the changes to
Rasa's per-message work that loading them installs in the server (docs/measurements/latency.md)."""
from components import history_states, in_process_actions, slot_mappings, speedups, tracker_copy

speedups.install()
history_states.install()
slot_mappings.install()
in_process_actions.install()
tracker_copy.install()
