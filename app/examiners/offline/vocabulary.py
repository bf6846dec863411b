"""Word lists for the offline examiner: stop words, negation cues, abbreviations, synonyms.

Kept apart from the algorithms so that a reader can extend the vocabulary without reading code.
Synonyms are stored as groups of plain words; the first word of a group is the canonical one and
all are mapped onto its stem, so "decreases", "lowered" and "reduce" all count as the same idea.
"""

from __future__ import annotations

import snowballstemmer

STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both by can could did do does doing down during each either else etc even ever every
    few for from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just let lets like may me might more most much must my myself of off on once one only
    or other others our ours ourselves out over own per quite rather really same say says she should so
    some such than that the their theirs them themselves then there these they thing things this those
    through thus to too under until up upon us very via vs was way we well were what when where which
    while who whom whose why will with within would yet you your yours yourself yourselves eg ie e g
    i.e e.g basically actually simply generally usually often maybe perhaps something someone somehow
    answer question think believe know called but however although though
    whereas instead since hence therefore let's im i'm it's that's there's
    """.split()
)

# Words that negate what follows; words ending in "n't" are cues too (see text.tokenize).
NEGATION_CUES: frozenset[str] = frozenset(
    "not no never none nor neither cannot without nothing nobody hardly barely lacks lack".split()
)

# Words that end a negation's scope: "X is not convex but Y is smooth" leaves "Y is smooth" asserted.
SCOPE_BREAKERS: frozenset[str] = frozenset(
    "but however although though whereas while because since so and then which instead".split()
)

# Abbreviation -> the words it stands for (both the answer and the rubric are expanded the same way).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    k: tuple(v.split())
    for k, v in {
        "bn": "batch normalization",
        "batchnorm": "batch normalization",
        "ln": "layer normalization",
        "layernorm": "layer normalization",
        "lr": "learning rate",
        "nn": "neural network",
        "nns": "neural networks",
        "dnn": "deep neural network",
        "cnn": "convolutional neural network",
        "cnns": "convolutional neural networks",
        "convnet": "convolutional network",
        "rnn": "recurrent neural network",
        "rnns": "recurrent neural networks",
        "lstm": "long short term memory",
        "mlp": "multilayer perceptron",
        "grad": "gradient",
        "grads": "gradients",
        "sgd": "stochastic gradient descent",
        "gd": "gradient descent",
        "backprop": "backpropagation",
        "bptt": "backpropagation through time",
        "relu": "rectified linear unit",
        "mse": "mean squared error",
        "mae": "mean absolute error",
        "kl": "kullback leibler",
        "kld": "kullback leibler divergence",
        "pca": "principal component analysis",
        "svm": "support vector machine",
        "params": "parameters",
        "param": "parameter",
        "hparams": "hyperparameters",
        "hyperparams": "hyperparameters",
        "llm": "large language model",
        "llms": "large language models",
        "lm": "language model",
        "attn": "attention",
        "seq": "sequence",
        "fc": "fully connected",
        "gan": "generative adversarial network",
        "vae": "variational autoencoder",
        "ack": "acknowledgement",
        "acks": "acknowledgements",
        "rtt": "round trip time",
        "qos": "quality of service",
        "approx": "approximately",
        "avg": "average",
        "info": "information",
        "min": "minimum",
        "max": "maximum",
        "dim": "dimension",
        "dims": "dimensions",
        "prob": "probability",
        "probs": "probabilities",
    }.items()
}

_SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("reduce", "decrease", "lower", "lessen", "shrink", "diminish", "minimize"),
    # "batch norm" and "batch normalization" name one thing (snowball stems them apart).
    ("normalization", "norm", "normalize", "normalise", "normalized"),
    ("increase", "raise", "grow", "rise", "enlarge", "boost"),
    ("big", "large", "huge", "bigger", "larger"),
    ("small", "little", "tiny", "smaller"),
    ("fast", "quick", "rapid", "faster", "quicker"),
    ("error", "mistake"),
    ("prevent", "avoid"),
    ("use", "utilize", "employ", "apply"),
    ("require", "need", "necessary"),
    ("allow", "enable", "permit", "let"),
    ("begin", "start", "initiate"),
    ("compute", "calculate"),
    ("method", "technique", "approach"),
    ("discard", "drop"),
    ("send", "transmit"),
    ("vanish", "disappear"),
    ("explode", "blow"),
    ("acknowledgement", "acknowledgment"),
    ("centralized", "central"),
)


def _synonym_map() -> dict[str, str]:
    stemmer = snowballstemmer.stemmer("english")
    mapping: dict[str, str] = {}
    for group in _SYNONYM_GROUPS:
        canonical = stemmer.stemWord(group[0])
        for word in group:
            mapping[stemmer.stemWord(word)] = canonical
    return mapping


# Stem -> canonical stem of its synonym group.
SYNONYMS: dict[str, str] = _synonym_map()

# Words of hands-on practice: trade-offs, costs, diagnosis, tuning (stems are computed on use).
PRACTICAL_WORDS: frozenset[str] = frozenset(
    """
    tradeoff trade cost costly expensive cheap memory compute latency throughput speed slow fast gpu
    tpu hardware debug debugging diagnose monitor plot curve validation tune tuning hyperparameter
    practice practical production deploy deployment benchmark profile overfit overfitting underfit
    regularization schedule warmup initialization checkpoint experiment ablation baseline dataset
    scale scaling example instance typically default pitfall clip clipping stopping budget
    implementation library pytorch tensorflow jax stable stability unstable instability
    """.split()
)
