"""keepslot: bookings that protect a freelancer's time."""
