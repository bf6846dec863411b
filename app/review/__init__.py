"""Weak-spot review: missed and contradicted key points scheduled with FSRS, and the interviews that ask them."""
