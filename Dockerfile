# Viva in a container: the pinned install of `make run`, served by `viva serve` (its front door limits
# heads, slow clients and connections). Put a reverse proxy in front for TLS (docs/deploy.md):
#   docker build -t viva . && docker run -p 127.0.0.1:8000:8000 -v viva-data:/app/data \
#     -e VIVA_ALLOWED_HOSTS='["viva.example.org"]' -e VIVA_PROXY_HEADERS=true -e VIVA_FORWARDED_ALLOW_IPS='*' viva
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VIVA_DATABASE_URL=sqlite:////app/data/viva.db \
    VIVA_RUBRICS_DIR=/app/rubrics VIVA_PROMPTS_DIR=/app/prompts VIVA_WEB_DIR=/app/web
WORKDIR /app

# bubblewrap runs candidates' code for code questions. Inside a container it needs user namespaces
# (for example `docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined ...`);
# without them code questions are off and the start page says why.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip install --upgrade pip && pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY app ./app
COPY prompts ./prompts
COPY rubrics ./rubrics
COPY web ./web
RUN pip install --no-deps . && useradd --create-home viva && mkdir -p /app/data && chown viva /app/data

USER viva
VOLUME ["/app/data"]
EXPOSE 8000
# 0.0.0.0 inside the container only; publish it on 127.0.0.1 and let the proxy face the internet.
CMD ["viva", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
