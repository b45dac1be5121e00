"""What the Ticketflow services share, written once: envelope, outbox, consumer, migrations."""
