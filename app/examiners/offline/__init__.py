"""The offline examiner: a rubric check without a language model (see ``examiner.py``)."""

from app.examiners.offline.examiner import OfflineExaminer, prepare

__all__ = ["OfflineExaminer", "prepare"]
