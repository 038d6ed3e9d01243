"""Template tags of the reviews app."""
