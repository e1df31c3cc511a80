"""Learners: propensity, opt-out risk, off-policy evaluation.

Online learners speak river's verbs (``learn_one``, ``predict_proba_one``); batch
estimators follow scikit-learn's contract. One conformance suite judges them all.
"""
