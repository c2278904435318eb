"""The front ends that face people: the terminal chat now, the Telegram gateway later.

They talk to Rasa only through its REST channel (bot/rasa_client.py) and run in their own virtualenv on
a supported Python (>= 3.11), apart from Rasa's pins.
"""
