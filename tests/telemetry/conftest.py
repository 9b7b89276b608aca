"""A real local AWS fake for the lake sinks: moto's server on a free loopback port, reached through boto3."""

import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

DUMMY_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    # Never read a developer's real profile, never ask an instance metadata service.
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def aws_endpoint():
    """URL of a moto server started for this test session (port 0: the OS picks a free one)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in DUMMY_AWS_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3(aws_endpoint):
    return boto3.client("s3", endpoint_url=aws_endpoint)


@pytest.fixture
def firehose(aws_endpoint):
    return boto3.client("firehose", endpoint_url=aws_endpoint)


@pytest.fixture
def bucket(s3):
    """A fresh bucket per test, so tests share the server but never each other's objects."""
    name = f"lake-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name
