"""Users, workspaces and members, personal access tokens, and files."""
