"""The annotation loop: Label Studio config, task/annotation conversion, push, pull and retraining.

Only ``client.py`` imports ``label_studio_sdk``; everything else works on govreport's own types.
"""
