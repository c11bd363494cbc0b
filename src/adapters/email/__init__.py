"""E-mail senders (console for development; SMTP in production)."""
