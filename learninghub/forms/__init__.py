"""Forms of the learning hub."""
