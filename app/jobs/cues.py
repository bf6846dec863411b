"""The curated table of job-posting phrases and what each one asks for.

The bank's own vocabulary (``vocabulary.py``) finds the words interviews use ("data parallelism",
"KV cache"); postings speak another dialect ("multi-GPU", "vLLM", "A/B tests", "PhD", "staff"). Each
cue maps such phrases to topic weights (1.0: squarely this topic), question types, roles or seniority,
and to the bank words it implies (``terms``: they rank the questions within a topic). Topics missing
from the bank loaded are ignored, so a custom bank works with whatever it shares.

Phrases are written normalised (``text.normalise``: lower case, separators as spaces); a trailing
``*`` matches any ending; a plural "s" is always allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cue:
    phrases: tuple[str, ...]
    topics: dict[str, float] = field(default_factory=dict)
    types: dict[str, float] = field(default_factory=dict)
    roles: dict[str, float] = field(default_factory=dict)
    seniority: dict[str, float] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _compile(self.phrases))


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for phrase in phrases:
        prefix = phrase.endswith("*")
        words = [re.escape(w) for w in phrase.rstrip("*").split()]
        body = r"\s+".join(words)
        parts.append(body + (r"[a-z0-9]*" if prefix else r"(?:e?s)?"))
    return re.compile(r"(?<![a-z0-9+#])(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?![a-z0-9+#])")


def _weights(spec: str) -> dict[str, float]:
    """'production:1 ml-system-design:.3' -> {'production': 1.0, 'ml-system-design': 0.3}."""
    out = {}
    for item in spec.split():
        name, _, value = item.partition(":")
        out[name] = float(value or 1)
    return out


def cue(phrases: str, topics: str = "", *, types: str = "", roles: str = "", seniority: str = "", terms: str = "") -> Cue:
    return Cue(
        phrases=tuple(p.strip() for p in phrases.split("|") if p.strip()),
        topics=_weights(topics), types=_weights(types), roles=_weights(roles), seniority=_weights(seniority),
        terms=tuple(t.strip() for t in terms.split("|") if t.strip()),
    )


CUES: tuple[Cue, ...] = (
    # Serving and inference
    cue("inference|model serving|serving|serve models|deploy models|model deployment|deploying models|productionize*",
        "production:1 ml-system-design:.3", terms="serving|latency|batching|throughput"),
    cue("vllm|tensorrt|tensorrt llm|triton inference server|tgi|text generation inference|sglang|onnx|onnx runtime|"
        "torchserve|ray serve|llama cpp|inference engine|inference server",
        "production:1 staying-current:.5 llm-generative:.4", terms="serving|batching|kv cache|quantization|latency|throughput"),
    cue("latency|low latency|inference latency|tail latency|p99|p95|throughput|tokens per second|qps|requests per second",
        "production:1 ml-system-design:.3", types="estimate:.6", terms="latency|throughput|batching"),
    cue("kv cache|kv caching|paged attention|pagedattention|flashattention|flash attention|continuous batching|"
        "speculative decoding|prefill|attention kernels",
        "staying-current:1 production:.7 llm-generative:.4", terms="kv cache|attention|decoding|memory"),
    cue("quantization|quantisation|quantized|int8|int4|fp8|distillation|pruning|model compression|gptq|awq|sparsity",
        "production:1 staying-current:.3", terms="quantization|distillation|pruning|compression"),
    cue("gpu utilization|gpu utilisation|gpu efficiency|cost per token|serving cost|inference cost|cost efficiency|"
        "capacity planning|compute budget|gpu hours|back of the envelope",
        "production:.8 training-at-scale:.3", types="estimate:1", terms="cost|memory|throughput"),
    cue("cuda|triton kernels|kernel*|cutlass|gpu programming|profiling|profiler|nsight|torch compile|compiler*",
        "hands-on:.8 production:.4 training-at-scale:.3", types="code-review:.3", terms="profile|kernel|gpu"),
    cue("batching|dynamic batching|request batching", "production:.8", terms="batching|throughput"),
    # Training at scale
    cue("distributed training|multi gpu|multigpu|multiple gpus|multi node|multinode|data parallel*|model parallel*|"
        "tensor parallel*|pipeline parallel*|fsdp|deepspeed|zero redundancy|zero 3|megatron|nccl|all reduce|allreduce|horovod|sharding",
        "training-at-scale:1", terms="data parallel|all reduce|shard|pipeline|tensor parallel|communication"),
    cue("mixed precision|bf16|bfloat16|fp16|large scale training|training at scale|training large models|gpu cluster|"
        "thousands of gpus|tpu|accelerators|training infrastructure|training runs|training stability|loss spikes",
        "training-at-scale:1", terms="mixed precision|memory|batch|warmup"),
    cue("pretraining|pre training|foundation model|frontier model|base model",
        "llm-generative:.8 training-at-scale:.6", terms="pretraining|scaling|token"),
    cue("fine tuning|finetuning|fine tune|finetune|lora|qlora|peft|adapters|parameter efficient",
        "llm-generative:.6 staying-current:.6 training-at-scale:.4", terms="fine tuning|lora|adapter"),
    cue("learning rate|optimizer*|optimiser*|adam|convergence|hyperparameter*",
        "math-foundations:.7 training-at-scale:.7", terms="learning rate|optimizer|gradient"),
    # LLMs and generative models
    cue("llm|large language model|language model|gpt|generative ai|genai|gen ai|chatbot|assistant*|copilot",
        "llm-generative:1 industry-applications:.3", terms="language model|token|decoding"),
    cue("transformer|attention mechanism|self attention", "architectures:.6 llm-generative:.5 staying-current:.3",
        terms="attention|transformer"),
    cue("rlhf|rlaif|dpo|ppo|grpo|reward model*|preference optimization|preference data|alignment|post training|"
        "instruction tuning|sft|supervised fine tuning|constitutional",
        "llm-generative:1", types="derivation:.2", terms="preference|reward|fine tuning|rlhf|dpo"),
    cue("rag|retrieval augmented|retrieval augmented generation|vector database|vector search|embedding*|semantic search",
        "llm-generative:.8 staying-current:.5 ml-system-design:.3", terms="retrieval|embedding|rag"),
    cue("prompt engineering|prompting|agent*|agentic|tool use|function calling|evals|llm evaluation",
        "llm-generative:.7 evaluation-data:.3", terms="prompt|agent|tool"),
    cue("tokenization|tokenizer*|tokenisation|decoding|sampling strateg*|beam search|logits",
        "llm-generative:1", terms="token|decoding|sampling"),
    cue("diffusion|generative model*|gan|vae|variational|flow matching|image generation|text to image|video generation",
        "llm-generative:1 staying-current:.4", terms="diffusion|generative|gan|sampling"),
    cue("nlp|natural language processing|natural language|text classification|machine translation|information extraction|"
        "named entity|question answering|summarization|speech|asr|speech recognition",
        "llm-generative:1 architectures:.5 industry-applications:.2", terms="language|token|sequence|text"),
    cue("hallucination*|guardrails|ai safety|red teaming|jailbreak*|toxicity",
        "llm-generative:.6 evaluation-data:.5", terms="hallucination|evaluation"),
    # Vision and other modalities
    cue("computer vision|object detection|segmentation|image classification|image*|video|visual|3d|"
        "point cloud*|perception|ocr|pose estimation|object tracking",
        "architectures:.8 architecture-design:.8 industry-applications:.1", terms="image|convolution|cnn|resolution|vision"),
    cue("cnn|convolutional|resnet|vit|vision transformer|backbone*|multimodal|multi modal|vision language|clip",
        "architectures:.8 architecture-design:.6 staying-current:.3", terms="convolution|cnn|vit|patch|image"),
    cue("self supervised|contrastive learning|representation learning|masked autoencoder*|mixture of experts|moe|"
        "long context|scaling law*|state space model*|mamba",
        "staying-current:1 architectures:.3", terms="self supervised|contrastive|expert|scaling"),
    cue("autonomous driving|self driving|adas|robotics|lidar|sensor fusion|autonomous vehicle*",
        "industry-applications:1 architecture-design:.3", terms="driving|perception|sensor|safety"),
    cue("medical imaging|radiology|healthcare|clinical|pathology|biomedical|drug discovery",
        "industry-applications:1 evaluation-data:.3", terms="medical|clinical|label|calibration"),
    cue("fraud|risk model*|credit|fintech|payments|anti money laundering|aml|insurance claims",
        "industry-applications:1 ml-system-design:.3", terms="fraud|imbalance|drift|label delay"),
    # Recommenders, search, ads, experiments
    cue("recommender*|recommendation*|recsys|ranking|ranker|personali*|feed|news feed|search relevance|"
        "search ranking|ctr|click through|candidate generation|two tower|retrieval and ranking|learning to rank",
        "ml-system-design:1 industry-applications:.4 evaluation-data:.4", types="design:.6",
        terms="ranking|recommend|candidate|click|engagement|feedback loop"),
    cue("ads|advertising|ad ranking|marketplace|ecommerce|e commerce|notifications|user engagement|retention",
        "ml-system-design:.7 industry-applications:.4", terms="ranking|click|engagement"),
    cue("a b test*|ab test*|online experiment*|experimentation|experiment design|causal inference|uplift|"
        "statistical significance|hypothesis test*",
        "evaluation-data:1 ml-system-design:.4", types="estimate:.3", terms="a b test|online|experiment|significance"),
    cue("metric*|evaluation|evaluate|benchmark*|offline evaluation|online metrics|calibration|model quality",
        "evaluation-data:1", terms="metric|evaluation|benchmark|calibration"),
    cue("data quality|data pipeline*|labeling|labelling|annotation*|dataset*|data curation|data cleaning|"
        "deduplication|synthetic data|data leakage|leakage|contamination|training data",
        "evaluation-data:1 production:.2", terms="data|label|dedup|leakage|contamination"),
    cue("imbalanced|class imbalance|anomaly detection|rare events", "production:.6 industry-applications:.4",
        terms="imbalance|rare|anomaly"),
    # Production and platforms
    cue("mlops|ml ops|llmops|ml platform|ml infrastructure|machine learning infrastructure|ml systems|ai platform|"
        "model lifecycle|production ml|production systems|in production|production models",
        "production:1 ml-system-design:.5", terms="monitoring|rollout|pipeline|retrain"),
    cue("kubernetes|k8s|docker|container*|ci cd|cicd|terraform|airflow|kubeflow|mlflow|sagemaker|vertex ai|"
        "feature store*|model registry|orchestration|workflow*",
        "production:1 ml-system-design:.4", types="design:.2", terms="pipeline|registry|rollout|feature store"),
    cue("monitoring|observability|drift|data drift|model drift|concept drift|alerting|retraining|rollout*|canary|"
        "shadow deployment|shadow mode|rollback*|model versioning|reproducibility",
        "production:1", terms="monitoring|drift|rollout|canary|shadow|retrain"),
    cue("training serving skew|skew|feature pipeline*|streaming|real time|realtime|kafka|spark|flink|batch pipeline*",
        "production:.7 ml-system-design:.6", terms="skew|feature|streaming|real time"),
    cue("reliability|sla|slo|on call|uptime|high availability", "production:.7 ml-system-design:.3",
        terms="reliability|monitoring|latency"),
    # System design
    cue("system design|design systems|design and build|design and implement|architect|architecting|end to end|"
        "scalable|at scale|large scale systems|distributed systems|system architecture",
        "ml-system-design:1 production:.3", types="design:1", terms="design|scale|serving|requirements"),
    # Hands-on engineering
    cue("pytorch|jax|tensorflow|keras|numpy|hugging face|huggingface|python|c++|rust|triton",
        "hands-on:.8", types="code-review:.5 code:.5", terms="pytorch|jax|tensor|implement"),
    cue("implement*|from scratch|prototyp*|debug*|coding|write code|production quality code|high quality code|"
        "code review*|software engineering|clean code|unit test*|testing",
        "hands-on:1", types="code-review:1 code:1", terms="implement|debug|bug|code"),
    cue("reproduce papers|reproduce research|reproducing|paper implementation*|research code|translate research",
        "hands-on:.8 staying-current:.5", types="code:.6", terms="reproduce|paper|implement"),
    # Mathematics and research
    cue("mathematics|mathematical|math|maths|linear algebra|calculus|probability|statistics|statistical|optimization|"
        "optimisation|convex|theory|theoretical|derivation*|derive|proofs|information theory|bayesian|probabilistic",
        "math-foundations:1", types="derivation:1", terms="gradient|derivative|probability|loss|optimizer"),
    cue("backpropagation|backprop|gradient*|regularization|regularisation|overfitting|generalization|loss function*",
        "math-foundations:1", types="derivation:.4", terms="gradient|regularization|loss"),
    cue("research|researcher|research scientist|publication*|publish*|papers|first author|neurips|icml|iclr|cvpr|iccv|"
        "eccv|acl|emnlp|naacl|kdd|phd|ph d|doctorate|doctoral",
        "staying-current:.6 math-foundations:.5", types="derivation:.6", roles="research:1",
        terms="paper|research|derive"),
    cue("state of the art|sota|latest research|cutting edge|literature|emerging|recent advances|keep up|novel",
        "staying-current:1", terms="recent|paper|state of the art"),
    cue("model architecture*|neural architecture*|novel architecture*|inductive bias*|architecture design|"
        "architecture search",
        "architecture-design:1 architectures:.6", terms="architecture|inductive bias|parameter"),
    cue("graph neural network*|gnn|graph learning|knowledge graph*", "architectures:.8 architecture-design:.5",
        terms="graph|message passing"),
    cue("rnn|lstm|sequence model*|time series|forecasting|temporal", "architectures:.7 industry-applications:.3",
        terms="sequence|recurrent|lstm|time series"),
    cue("deep learning|neural network*|machine learning", "architectures:.3 math-foundations:.2"),
    # Communication and leadership
    cue("communicat*|stakeholder*|cross functional|collaborat*|partner with|product manager*|executives|leadership team|"
        "presentation*|presenting|written communication|explain complex|non technical|storytelling",
        "communication:1", types="behavioural:.6", terms="explain|stakeholder|trade off|audience"),
    cue("mentor*|coach*|leadership|tech lead|technical lead|lead a team|lead projects|ownership|influence|"
        "roadmap|technical direction|strategy|hiring|grow the team",
        "communication:.7", types="behavioural:1", terms="project|team|lead|decision"),
    # Roles and levels (no topic of their own)
    cue("machine learning engineer|ml engineer|mle|ai engineer|ml infrastructure engineer|mlops engineer|platform engineer|"
        "inference engineer|software engineer|ml software engineer|deep learning engineer|research engineer",
        roles="mle:1"),
    cue("applied scientist|applied research|data scientist|applied ml|applied machine learning|machine learning scientist",
        roles="applied-scientist:1"),
    cue("research scientist|research scientists|scientist", roles="research:.5"),
    cue("senior|sr|staff|principal|distinguished|head of|tech lead|lead engineer|lead scientist", seniority="senior:1"),
    cue("junior|jr|entry level|new grad|new graduate|recent graduate|graduate program*|graduate scheme|intern|internship|"
        "early career", seniority="junior:1"),
    cue("mid level|mid senior|intermediate", seniority="mid:1"),
)

# "mentor junior engineers", "work with senior researchers": a level named after these words is
# someone else's, not the role's.
OTHERS_LEVEL = re.compile(r"(?:mentor\w*|coach\w*|guid\w*|support\w*|with|alongside|help\w*|grow\w*|train\w*|among)\s+(?:\w+\s+)?$")
# "5+ years", "3-5 years of experience", "at least 7 years"
YEARS = re.compile(r"(?<![a-z0-9])(\d{1,2})\s*(?:\+|plus)?\s*(?:(?:to|\s)\s*\d{1,2}\s*)?(?:\+\s*)?(?:years|yrs|year)(?![a-z])")
