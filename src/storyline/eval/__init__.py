"""Evaluation: clustering metrics, gold-data converters (ECB+, MEANTIME), the clustering benchmark."""
