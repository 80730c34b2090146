"""The library every Loop function uses: settings, errors, envelope, ids, auth, AWS access, app factory."""
