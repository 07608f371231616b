"""One loader per kind of file: read (pure, in the reader thread) and store (one transaction)."""
