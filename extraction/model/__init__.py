"""The token-classification model's inference side: char tokenizer, rule features, windows and
BIO decoding, the predictor and the registry's read side.

Part of the extraction layer so that extracting with a model needs nothing from ``training``;
``training`` builds on these modules (never the reverse).
"""
