"""Who is calling, and in which workspace: passwords, session cookies, personal access tokens."""
