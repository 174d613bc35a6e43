"""Email notifications: room changes to the room's owner and digests to assignees (MAP-7)."""
