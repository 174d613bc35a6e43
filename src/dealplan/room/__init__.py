"""Deal rooms: the MAP shared with the buyer through a link (MAP-7, MAP-8, PLAT-3)."""
