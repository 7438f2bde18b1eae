from tests.test_api import *  # noqa
import jsonschema

def test_dbg(client, data):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    page = get(client, url("metric-value-list"), data.national_token).json()
    comp = schema["components"]["schemas"]
    print(json.dumps(comp["MetricValuePage"], indent=1)[:1500])
    s = {"$ref": "#/components/schemas/MetricValuePage", "components": schema["components"]}
    for e in jsonschema.Draft4Validator(s).iter_errors(page):
        print("ERR", e.message, list(e.path))
