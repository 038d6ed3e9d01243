"""Writes of the reviews app: incidents, rapid reviews, information requests, decisions, learning reviews.

One module per part (``incidents``, ``rapid_review``, ``requests``...): import
the module you need, e.g. ``from reviews.services.incidents import incident_record``.
"""
