# Viva in a container: the same install steps as the Makefile, serving on 0.0.0.0:8000.
# docker build -t viva . && docker run -p 8000:8000 -v viva-data:/app/data viva
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VIVA_DATABASE_URL=sqlite:////app/data/viva.db \
    VIVA_RUBRICS_DIR=/app/rubrics VIVA_PROMPTS_DIR=/app/prompts VIVA_WEB_DIR=/app/web
WORKDIR /app

COPY pyproject.toml README.md ./
COPY app ./app
COPY prompts ./prompts
COPY rubrics ./rubrics
COPY web ./web
RUN pip install --upgrade pip && pip install . && useradd --create-home viva && mkdir -p /app/data && chown viva /app/data

USER viva
VOLUME ["/app/data"]
EXPOSE 8000
CMD ["viva", "serve", "--host", "0.0.0.0", "--port", "8000"]
