"""A job description as the plan (issue 14): match a posting's words to the bank's topics, tags and
question types, and explain every choice with the posting's own words.

- ``text.py``: normalising a posting (offsets kept, so reasons quote the original words) and its terms;
- ``cues.py``: the curated table of job-posting phrases (``multi-GPU``, ``vLLM``, ``A/B tests``, ``PhD``,
  ``staff``...) and what each asks for;
- ``vocabulary.py``: the bank's own vocabulary (titles, summaries, probes, questions, key points, tags);
- ``matcher.py``: a posting -> weighted topics, question types, roles and seniority, with evidence;
- ``planner.py``: the plan from that analysis (topics and counts by weight, questions by relevance);
- ``priorities.py``: with an LLM, the role's priorities (falls back to none on any fault).
"""
