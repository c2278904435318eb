"""Rasa custom actions. Each action is thin: it reads the tracker, calls wegweiser's plain functions
and sends what they return. Started by `rasa run actions --actions actions`."""
from actions.answers import ActionClarify, ActionFactNote
from actions.slot_mappings import ValidateSlotMappings

__all__ = ["ActionClarify", "ActionFactNote", "ValidateSlotMappings"]
