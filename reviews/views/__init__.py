"""Pages under /p/<slug>/ for incidents, rapid reviews and learning reviews: thin, one service or selector each."""
