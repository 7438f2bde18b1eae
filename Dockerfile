FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends gettext nodejs npm \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
COPY . .
RUN pip install --no-cache-dir . && npm ci --no-audit --no-fund && \
    django-admin compilemessages --ignore=node_modules
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
