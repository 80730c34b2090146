"""Datasets and evaluation sets: schemas, items, versions, import and export."""
