"""The front ends that face people: the Telegram gateway (`python -m bot`) and the terminal chat
(`python -m bot.terminal`).

They talk to Rasa only through its REST channel (bot/rasa_client.py) and run in their own virtualenv on
a supported Python (>= 3.11), apart from Rasa's pins. The gateway's modules: settings, app (the
Application factory), handlers, render, texts, updates (intake), sending (retries), db (the one database
layer), store, tracker, erase, retention, pseudonym; the counsellors' desk is the package bot/desk/.
"""
