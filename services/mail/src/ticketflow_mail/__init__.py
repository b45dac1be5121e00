"""Mail: the SMTP gateway and polled mailbox that make mails tickets and comments, and the
replies mailed back in the same thread."""
