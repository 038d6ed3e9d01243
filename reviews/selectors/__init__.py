"""Reads of the reviews app. Every lookup takes the partnership explicitly.

One module per part (``incidents``, ``rapid_review``, ``requests``...). A row of
another partnership and a missing row both raise ``Http404``.
"""
