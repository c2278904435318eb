"""Wegweiser's domain library: content, languages, programme facts and their rendering.

Plain functions and small classes with no Rasa dependency, so the action server, the NLU components,
the gateway and the tests share one implementation of each rule.
"""
