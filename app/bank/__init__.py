"""The question bank: topics, questions and rubrics loaded from data files under ``rubrics/``."""

from app.bank.loader import QuestionBank, load_bank, load_topic_file
from app.bank.schema import Criterion, KeyPoint, Question, Topic

__all__ = ["Criterion", "KeyPoint", "Question", "QuestionBank", "Topic", "load_bank", "load_topic_file"]
