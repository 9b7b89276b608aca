"""infra/: the CloudFormation templates (cfn-lint and structure) and the Firehose transform Lambda."""

import base64
import importlib.util
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from telemetry import alarms
from telemetry.events import build_envelope, emit
from telemetry.models import DeadLetterEvent
from telemetry.sinks.base import partition_of
from tests.factories import make_fan

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
FIXTURES = ROOT / "tests" / "contract" / "fixtures"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def _load_transform():
    spec = importlib.util.spec_from_file_location("fansub_transform", INFRA / "lambda" / "transform.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


transform = _load_transform()


def _template(name):
    from cfnlint.decode import decode_str

    template, problems = decode_str((INFRA / name).read_text())
    assert not problems, problems
    return template


def _record(data):
    raw = data if isinstance(data, bytes) else (json.dumps(data) + "\n").encode()
    return {"recordId": uuid.uuid4().hex, "approximateArrivalTimestamp": 0, "data": base64.b64encode(raw).decode()}


# --- templates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["data-platform.yaml", "alarms.yaml"])
def test_templates_pass_cfn_lint(name):
    if not CFN_LINT.exists():
        pytest.skip("cfn-lint is not installed")
    result = subprocess.run([str(CFN_LINT), str(INFRA / name)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_stack_has_every_part_of_the_ingestion_path():
    resources = _template("data-platform.yaml")["Resources"]
    types = {body["Type"] for body in resources.values()}
    assert {"AWS::Events::EventBus", "AWS::Events::Rule", "AWS::KinesisFirehose::DeliveryStream",
            "AWS::Lambda::Function", "AWS::S3::Bucket", "AWS::Glue::Database", "AWS::Glue::Table",
            "AWS::Athena::WorkGroup", "AWS::CloudWatch::Alarm"} <= types


def test_the_rule_sends_the_envelope_itself_to_firehose():
    resources = _template("data-platform.yaml")["Resources"]
    rule = resources["EventsToBronzeRule"]["Properties"]
    assert rule["EventPattern"] == {"source": [{"Ref": "EventSource"}]}
    assert rule["EventBusName"] == {"Ref": "EventBus"}
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["EventsDeliveryStream", "Arn"]} and target["InputPath"] == "$.detail"


def test_firehose_partitions_by_the_lambda_keys_exactly_like_the_app_sinks():
    stream = _template("data-platform.yaml")["Resources"]["EventsDeliveryStream"]["Properties"]
    destination = stream["ExtendedS3DestinationConfiguration"]
    assert destination["DynamicPartitioningConfiguration"]["Enabled"] is True
    (processor,) = destination["ProcessingConfiguration"]["Processors"]
    assert processor["Type"] == "Lambda"
    assert {"ParameterName": "LambdaArn", "ParameterValue": {"Fn::GetAtt": ["TransformFunction", "Arn"]}} in \
        processor["Parameters"]
    assert destination["CompressionFormat"] == "GZIP" and destination["BufferingHints"]["SizeInMBs"] >= 64
    envelope = build_envelope("account.logged_in", {"surface": "page"})
    prefix = destination["Prefix"]
    for key, value in transform.partition_keys(envelope).items():
        prefix = prefix.replace(f"!{{partitionKeyFromLambda:{key}}}", value)
    assert prefix == f"bronze/events/{partition_of(envelope)}/"  # the S3 sink's default prefix and layout
    assert "!{firehose:error-output-type}" in destination["ErrorOutputPrefix"]


def test_the_glue_table_projects_the_same_partitions():
    table = _template("data-platform.yaml")["Resources"]["BronzeEventsTable"]["Properties"]["TableInput"]
    assert [key["Name"] for key in table["PartitionKeys"]] == ["event_type", "dt", "hour"]
    parameters = table["Parameters"]
    assert parameters["projection.enabled"] == "true" and parameters["projection.hour.digits"] == "2"
    template = parameters["storage.location.template"]["Fn::Sub"]
    assert template.endswith("/bronze/events/event_type=${!event_type}/dt=${!dt}/hour=${!hour}/")
    envelope_fields = set(json.loads((ROOT / "telemetry/schemas/_envelope/1-0-0.json").read_text())["properties"])
    columns = {column["Name"] for column in table["StorageDescriptor"]["Columns"]}
    assert columns | {"event_type"} == envelope_fields


def test_the_athena_workgroup_enforces_a_bytes_scanned_cutoff():
    template = _template("data-platform.yaml")
    configuration = template["Resources"]["AthenaWorkGroup"]["Properties"]["WorkGroupConfiguration"]
    assert configuration["BytesScannedCutoffPerQuery"] == {"Ref": "AthenaBytesScannedCutoffPerQuery"}
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["PublishCloudWatchMetricsEnabled"] is True
    assert template["Parameters"]["AthenaBytesScannedCutoffPerQuery"]["MinValue"] == 10_000_000  # Athena's floor


def test_every_alarm_links_a_runbook_that_exists():
    for name in ("data-platform.yaml", "alarms.yaml"):
        for resource in _template(name)["Resources"].values():
            if resource["Type"] != "AWS::CloudWatch::Alarm":
                continue
            description = resource["Properties"]["AlarmDescription"]
            text = description if isinstance(description, str) else description["Fn::Sub"]
            runbook = text.split("Runbook: ")[1].split()[0].replace("${RunbookBaseUrl}", "docs/runbooks")
            assert (ROOT / runbook).exists(), runbook


def test_the_lambda_refusals_have_alarms():
    components = {(rule.code, rule.dimensions.get("Component")) for rule in alarms.RULES}
    assert ("EVENT_SCHEMA_INVALID", transform.COMPONENT) in components
    assert ("EVENT_ENVELOPE_INVALID", transform.COMPONENT) in components


# --- the transform Lambda ----------------------------------------------------------------------------

def test_a_valid_record_is_ok_with_its_partition_keys():
    envelope = build_envelope("account.signed_up", {"role": "fan", "country": "GB"})
    record = _record(envelope)
    output, refusals = transform.transform_records([record])
    (answer,) = output
    assert refusals == [] and answer["recordId"] == record["recordId"] and answer["result"] == "Ok"
    line = base64.b64decode(answer["data"]).decode()
    assert line.endswith("\n") and json.loads(line) == envelope
    assert answer["metadata"]["partitionKeys"] == {"event_type": "account.signed_up",
                                                   "dt": envelope["occurred_at"][:10],
                                                   "hour": envelope["occurred_at"][11:13]}


@pytest.mark.parametrize(("data", "code"), [
    (b"{not json", "EVENT_ENVELOPE_INVALID"),
    (b"\xff\xfe", "EVENT_ENVELOPE_INVALID"),
    ([1, 2], "EVENT_ENVELOPE_INVALID"),
    ({"event_type": "account.logged_in"}, "EVENT_ENVELOPE_INVALID"),
])
def test_a_record_that_is_not_an_envelope_fails_processing(data, code):
    record = _record(data)
    output, refusals = transform.transform_records([record])
    assert output == [{"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]}]
    assert refusals[0][:2] == (record["recordId"], code)


def test_a_payload_off_its_schema_or_with_personal_data_fails_processing():
    off_schema = build_envelope("account.logged_in", {"surface": "pigeon"})
    personal = build_envelope("http.request", {"route": "a@b.example", "method": "GET", "status": 200,
                                               "latency_ms": 1, "surface": "page"})
    unknown = build_envelope("account.logged_in", {"surface": "page"}, version="9-9-9")
    output, refusals = transform.transform_records([_record(e) for e in (off_schema, personal, unknown)])
    assert [o["result"] for o in output] == ["ProcessingFailed"] * 3
    assert [code for _, code, _ in refusals] == ["EVENT_SCHEMA_INVALID"] * 3
    assert "personal data" in refusals[1][2] and "a@b.example" not in refusals[1][2]


def test_the_handler_counts_refusals_as_emf_metrics_and_never_logs_the_record(capsys):
    personal = build_envelope("http.request", {"route": "a@b.example", "method": "GET", "status": 200,
                                               "latency_ms": 1, "surface": "page"})
    good = build_envelope("account.logged_in", {"surface": "page"})
    event = {"records": [_record(good), _record(personal), _record(b"nope"), _record(b"[]")]}

    answer = transform.handler(event)

    assert [r["result"] for r in answer["records"]] == ["Ok", "ProcessingFailed", "ProcessingFailed",
                                                         "ProcessingFailed"]
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    emf = lines[0]
    assert emf["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Environment", "Component", "Severity"]]
    assert emf["Component"] == "firehose.transform" and emf["Severity"] == "error"
    assert emf["EVENT_SCHEMA_INVALID"] == 1 and emf["EVENT_ENVELOPE_INVALID"] == 2
    assert "a@b.example" not in json.dumps(lines)


def test_the_handler_logs_nothing_when_every_record_is_valid(capsys):
    answer = transform.handler({"records": [_record(build_envelope("account.logged_in", {"surface": "api"}))]})
    assert answer["records"][0]["result"] == "Ok" and capsys.readouterr().out == ""


@pytest.mark.django_db
@pytest.mark.allow_dead_letters
def test_the_lambda_accepts_and_refuses_the_same_records_as_emit():
    fan = make_fan()
    cases = []
    for path in sorted(FIXTURES.glob("*/*.json")):
        event_type, version = path.parent.name, path.stem
        fixture = json.loads(path.read_text())
        for payload in (fixture, {**fixture, "unexpected": 1}, {**fixture, "fan_email": "x@example.com"},
                        {key: value for key, value in list(fixture.items())[1:]}):
            cases.append((event_type, version, payload))
    assert len(cases) > 200
    disagreements = []
    for event_type, version, payload in cases:
        before = DeadLetterEvent.objects.count()
        emitted = emit(event_type, payload, fan, version=version)
        if emitted is not None:
            envelope, emit_code = emitted.envelope, None
        else:
            dead = DeadLetterEvent.objects.order_by("-id").first()
            assert DeadLetterEvent.objects.count() == before + 1
            envelope = build_envelope(event_type, payload, actor=fan, version=version)
            emit_code = dead.error_code
        output, refusals = transform.transform_records([_record(envelope)])
        lambda_code = refusals[0][1] if refusals else None
        if (output[0]["result"] == "Ok") != (emit_code is None) or lambda_code != emit_code:
            disagreements.append((event_type, version, sorted(payload), emit_code, lambda_code))
    assert disagreements == []


def test_the_packaged_lambda_runs_without_django_or_site_packages(tmp_path):
    spec = importlib.util.spec_from_file_location("fansub_package", INFRA / "lambda" / "package.py")
    package = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(package)
    archive = package.build(tmp_path / "transform.zip")
    task = tmp_path / "task"  # Lambda unpacks the zip into /var/task and imports from there
    with __import__("zipfile").ZipFile(archive) as unpacked:
        unpacked.extractall(task)
        assert "telemetry/schemas/_envelope/1-0-0.json" in unpacked.namelist()

    good = build_envelope("account.logged_in", {"surface": "page"})
    event = {"records": [_record(good), _record(build_envelope("account.logged_in", {"surface": "x"}))]}
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import transform; "
            "print(json.dumps(transform.handler(json.loads(sys.stdin.read()))))")
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(task)], input=json.dumps(event),
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.splitlines()[-1])
    assert [r["result"] for r in answer["records"]] == ["Ok", "ProcessingFailed"]
    check = subprocess.run([sys.executable, "-I", "-S", "-c", "import django"], capture_output=True, timeout=60)
    assert check.returncode != 0  # the environment above really had no Django to lean on
