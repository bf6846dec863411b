"""Spoken answers: recordings transcribed on this machine by faster-whisper (the optional ``voice``
extra), then stored and graded like typed answers. Nothing here is imported unless voice is used."""
