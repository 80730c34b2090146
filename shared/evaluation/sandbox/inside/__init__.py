"""What runs inside the sandbox process, before and around user code (stdlib only; the platform never imports
these: local.py starts harness.py as a script, which imports its neighbours as top-level modules)."""
