"""Writes of the learning hub."""
