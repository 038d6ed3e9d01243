"""Reads of the learning hub."""
