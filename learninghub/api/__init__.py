"""The learning hub's API."""
