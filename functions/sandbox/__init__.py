"""The sandbox function: runs user-written evaluator code, and nothing else, in a network-less VPC."""
