"""Experiments: submit, the scheduler and item runs, results, aggregates, comparison and export."""
