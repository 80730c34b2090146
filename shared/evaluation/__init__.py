"""Evaluators and experiments: entities, the judge, the code sandbox, the experiment engine."""
