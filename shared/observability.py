"""Powertools singletons for our own operations telemetry (never users' traces)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "loop"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace="Loop", service=SERVICE)
