"""Demo data written for this project, and the loaders that put it in through the services."""
