"""Test doubles: fake LLM endpoints (scripted, failing, slow). Shared by the tests and `bench/`;
never imported by the shipped package."""
