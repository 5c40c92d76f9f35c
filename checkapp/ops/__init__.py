"""Operating CheckApp past one machine: moving photos between stores, sweeping orphan files,
backing up and restoring (the `flask --app checkapp photos …`, `backup` and `restore` commands)."""
