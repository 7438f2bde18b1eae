"""A Python client generated from the OpenAPI schema (issue 14) reads the API: the schema is
what a client generator needs — every list's page parses into its typed model, the metric
values' JSON-stat into the JsonStatDataset model, and each model gives back the JSON it was
read from."""

import datetime as dt
import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from indicators.models import MetricValue, ValueWithdrawal
from tests.api_support import LISTS

pytestmark = pytest.mark.django_db(transaction=True)
UTC_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+]00:00)$")
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture
def generated(tmp_path, live_server):
    """The client, generated from the live server's schema into tmp_path and imported."""
    schema = httpx.get(f"{live_server.url}/api/schema/", params={"format": "json", "lang": "en"})
    assert schema.status_code == 200
    path = tmp_path / "schema.json"
    path.write_bytes(schema.content)
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(path), "--output-path",
         str(tmp_path / "sote_client"), "--meta", "none"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert (tmp_path / "sote_client" / "client.py").exists(), done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("sote_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "sote_client" or n.startswith("sote_client.")]:
            del sys.modules[name]


def normalised(value):
    """JSON with its UTC times written one way (the client writes Z as +00:00)."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str) and UTC_TIME.match(value):
        return dt.datetime.fromisoformat(value)
    return value


def operations(package) -> dict[str, object]:
    """The client's operations by name (one module each, in a package per endpoint)."""
    api = importlib.import_module(f"{package.__name__}.api")
    return {info.name.rsplit(".", 1)[1]: importlib.import_module(info.name)
            for info in pkgutil.walk_packages(api.__path__, f"{api.__name__}.")
            if not info.ispkg}


def test_generated_client_reads_a_page_of_every_list(generated, live_server, data):
    value = MetricValue.objects.filter(published=True).first()  # a withdrawal to list
    ValueWithdrawal.objects.create(value_id=value.pk, metric=value.metric, period=value.period,
                                   category=value.category, updated_at=timezone.now())
    client = generated.AuthenticatedClient(base_url=live_server.url, token=data.national_token)
    modules = operations(generated)
    lists = {name for name in modules if name.endswith("_list")}
    # Every list of the schema has its operation in the client, every endpoint of the tests
    # among them (the export and the withdrawals too).
    schema = json.loads((Path(generated.__path__[0]).parent / "schema.json").read_text())
    assert lists == {operation["operationId"] for path, operations in schema["paths"].items()
                     if "{" not in path and path.startswith("/api/v1/")
                     for operation in operations.values()}
    with_rows = {f"{name.removesuffix('-list').replace('-', '_')}s_list".replace(
        "activitys", "activities") for name in LISTS} | {
        "metric_values_export_list", "metric_value_withdrawals_list"}
    assert with_rows <= lists
    for name in sorted(lists):
        response = modules[name].sync_detailed(client=client)
        assert response.status_code == 200, (name, response.content[:300])
        parsed = response.parsed
        assert parsed is not None, name
        raw = json.loads(response.content)
        if isinstance(parsed, list):  # the export: every row
            assert raw and normalised([row.to_dict() for row in parsed]) == normalised(raw)
        else:
            assert normalised(parsed.to_dict()) == normalised(raw), name
            assert len(parsed.results) == len(raw["results"]), name
            assert raw["results"] or name not in with_rows, name  # the data has rows for it


def test_generated_client_reads_jsonstat_as_its_own_model(generated, live_server, data):
    client = generated.AuthenticatedClient(base_url=live_server.url, token=data.national_token)
    module = operations(generated)["metric_values_list"]
    formats = importlib.import_module(
        f"{generated.__name__}.models.metric_values_list_format")
    dataset_model = importlib.import_module(f"{generated.__name__}.models.json_stat_dataset")
    response = module.sync_detailed(client=client,
                                    format_=formats.MetricValuesListFormat("jsonstat"))
    assert response.status_code == 200
    dataset = response.parsed
    assert isinstance(dataset, dataset_model.JsonStatDataset)
    assert normalised(dataset.to_dict()) == normalised(json.loads(response.content))
    assert dataset.version.value == "2.0" and dataset.id == [
        "metric", "region", "period", "category"]
    page = module.sync_detailed(client=client).parsed
    assert type(page).__name__ == "MetricValuePage" and page.results
