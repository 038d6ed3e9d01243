"""Pages of the learning hub."""
