"""`keepslot`: the freelancer's command line (bookings, clients, export, erasure)."""
