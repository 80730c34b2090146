"""Users, workspaces, members and tokens: written by the foundation function, read by every function's auth."""
