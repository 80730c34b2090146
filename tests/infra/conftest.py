"""Quiet, offline CDK synthesis for the infra tests."""

import os

# jsii warns on every start under Node 20; the CLI's version check would reach the network.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_DEPRECATED", "quiet")
os.environ.setdefault("CDK_DISABLE_VERSION_CHECK", "1")
