"""Practice profiles: a candidate's interviews, progress and review queue across sessions, with no sign-up."""
