"""Secrets come from ${env:…} and ${file:…}, are registered for redaction, and are never echoed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, SecretStr

from crossdock.config.jobs import JobConfigError, SecretSource, load_job, validate_connection_config
from crossdock.core.redaction import redact

WriteJob = Callable[..., Path]
NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"


class BearerAuth(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["bearer"]
    token: SecretStr


class BasicAuth(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["basic"]
    username: str
    password: SecretStr


class RestSettings(BaseModel):
    """A connector config model shaped like a real one: a union of auth styles, optional secrets."""

    model_config = ConfigDict(extra="forbid")
    base_url: str
    auth: BearerAuth | BasicAuth | None = None
    webhook_secret: SecretStr | None = None
    timeout_seconds: int = 30


def erp_job(auth: str, extra: str = "") -> str:
    return f"""\
job: secrets
connections:
  erp:
    connector: rest
    config:
      base_url: https://erp.example.com/api
      auth: {auth}
{extra}flows:
  - name: orders
    source: {{connection: erp, stream: orders}}
    sink: {{connection: erp, sink: orders}}
"""


def test_env_and_file_placeholders_resolve(write_job: WriteJob, tmp_path: Path) -> None:
    secrets_dir = tmp_path / "jobs" / "secrets"
    secrets_dir.mkdir(parents=True)
    (secrets_dir / "erp-password").write_text("password-from-a-file\n")
    path = write_job(
        erp_job(
            '{type: basic, username: "${env:ERP_USER}", password: "${file:secrets/erp-password}"}',
            extra='    sandbox: "${env:ERP_SANDBOX:-true}"\n',
        ).replace("job: secrets", "job: secrets\nstate: postgresql://sync:${env:PGPASS}@db/crossdock")
    )

    job = load_job(path, env={"ERP_USER": "sync-user", "PGPASS": "pg-pass-from-env"})

    auth = job.connections["erp"].config["auth"]
    assert auth == {"type": "basic", "username": "sync-user", "password": "password-from-a-file"}
    assert job.connections["erp"].sandbox is True
    assert job.state_url == "postgresql://sync:pg-pass-from-env@db/crossdock"
    password_path = ("connections", "erp", "config", "auth", "password")
    assert job.value_origin(password_path).source is SecretSource.FILE
    assert job.value_origin(("connections", "erp", "config", "auth", "username")).source is SecretSource.ENV
    assert job.value_origin(("connections", "erp", "config", "base_url")).source is SecretSource.LITERAL
    assert job.value_origin(("connections", "erp", "sandbox")).source is SecretSource.ENV_DEFAULT


def test_missing_env_var_names_variable_not_value(write_job: WriteJob) -> None:
    path = write_job(erp_job('{type: bearer, token: "${env:ERP_TOKEN}"}'))

    with pytest.raises(JobConfigError) as caught:
        load_job(path, env={})

    [issue] = caught.value.issues
    assert (issue.line, issue.field) == (7, "connections.erp.config.auth.token")
    assert issue.message == "environment variable 'ERP_TOKEN' is not set"


def test_missing_secret_file_is_an_error_with_its_path(write_job: WriteJob) -> None:
    path = write_job(erp_job('{type: bearer, token: "${file:secrets/absent}"}'))

    with pytest.raises(JobConfigError) as caught:
        load_job(path, env={})

    [issue] = caught.value.issues
    assert issue.field == "connections.erp.config.auth.token"
    assert issue.message == f"secret file not found: {path.parent / 'secrets' / 'absent'}"


def test_secret_from_env_is_registered_for_redaction(write_job: WriteJob) -> None:
    token = "erp-token-registered-by-the-loader"
    password = "pg-password-inside-a-longer-string"
    assert redact(token) == token and redact(password) == password
    path = write_job(
        erp_job('{type: bearer, token: "${env:ERP_TOKEN}"}').replace(
            "job: secrets", "job: secrets\nstate: postgresql://sync:${env:PGPASS}@db-host/crossdock"
        )
    )

    load_job(path, env={"ERP_TOKEN": token, "PGPASS": password})

    assert redact(f"401 for Bearer {token}") == "401 for Bearer ***"
    assert redact(f"postgresql://sync:{password}@db-host/crossdock") == "postgresql://sync:***@db-host/crossdock"


def test_values_with_a_default_are_not_registered_as_secrets(write_job: WriteJob) -> None:
    path = write_job(
        erp_job('{type: bearer, token: "${env:ERP_TOKEN}"}', extra="").replace(
            "base_url: https://erp.example.com/api", 'base_url: "${env:ERP_URL:-https://erp-default.example.com}"'
        )
    )

    job = load_job(path, env={"ERP_TOKEN": "token-for-default-test"})

    assert job.connections["erp"].config["base_url"] == "https://erp-default.example.com"
    assert redact("https://erp-default.example.com") == "https://erp-default.example.com"


def test_literal_secret_is_refused_without_echoing_it(write_job: WriteJob) -> None:
    literal = "literal-token-pasted-into-the-job"
    path = write_job(erp_job(f"{{type: bearer, token: {literal}}}"))
    job = load_job(path, env={})

    with pytest.raises(JobConfigError) as caught:
        validate_connection_config(job, "erp", RestSettings)

    [issue] = caught.value.issues
    assert (issue.file, issue.line, issue.field) == (str(path), 7, "connections.erp.config.auth.token")
    assert issue.message == "secret given as a literal; use ${env:VAR} or ${file:path}"
    assert literal not in str(caught.value)
    assert literal not in repr(caught.value.issues)


def test_literal_secrets_are_found_in_nested_optional_and_union_fields(write_job: WriteJob) -> None:
    path = write_job(
        erp_job(
            '{type: basic, username: "${env:ERP_USER}", password: hunter2-literal}',
            extra="      webhook_secret: whsec-literal\n      timeout_seconds: soon\n",
        )
    )
    job = load_job(path, env={"ERP_USER": "sync-user"})

    with pytest.raises(JobConfigError) as caught:
        validate_connection_config(job, "erp", RestSettings)

    assert [(i.line, i.field, i.message.split(";")[0]) for i in caught.value.issues] == [
        (7, "connections.erp.config.auth.password", "secret given as a literal"),
        (8, "connections.erp.config.webhook_secret", "secret given as a literal"),
        (9, "connections.erp.config.timeout_seconds", NOT_AN_INTEGER),
    ]
    assert "hunter2-literal" not in str(caught.value) and "whsec-literal" not in str(caught.value)


def test_a_secret_with_a_literal_default_is_refused(write_job: WriteJob) -> None:
    path = write_job(erp_job('{type: bearer, token: "${env:ERP_TOKEN:-fallback-token}"}'))
    job = load_job(path, env={"ERP_TOKEN": "set-but-the-file-still-holds-a-default"})

    with pytest.raises(JobConfigError) as caught:
        validate_connection_config(job, "erp", RestSettings)

    [issue] = caught.value.issues
    assert issue.field == "connections.erp.config.auth.token"
    assert "fallback-token" not in str(caught.value)


def test_connection_config_is_validated_with_file_line_and_field(write_job: WriteJob) -> None:
    path = write_job(erp_job('{type: bearer, token: "${env:ERP_TOKEN}", scope: all}'))
    job = load_job(path, env={"ERP_TOKEN": "token-for-validation-test"})

    with pytest.raises(JobConfigError) as caught:
        validate_connection_config(job, "erp", RestSettings)

    [issue] = caught.value.issues
    assert str(issue).startswith(f"{path}:7: connections.erp.config.auth.scope: unknown key 'scope'")


def test_a_valid_connection_config_comes_back_as_the_connector_model(write_job: WriteJob) -> None:
    path = write_job(erp_job('{type: bearer, token: "${env:ERP_TOKEN}"}'))
    job = load_job(path, env={"ERP_TOKEN": "token-for-valid-config-test"})

    settings = validate_connection_config(job, "erp", RestSettings)

    assert isinstance(settings.auth, BearerAuth)
    assert settings.auth.token.get_secret_value() == "token-for-valid-config-test"


def test_escaped_and_unknown_placeholders(write_job: WriteJob) -> None:
    job_text = erp_job('{type: bearer, token: "${env:ERP_TOKEN}"}')
    escaped = write_job(job_text.replace("job: secrets", "job: secrets\ndescription: costs $${HOME} nothing"))
    assert load_job(escaped, env={"ERP_TOKEN": "token-for-escape-test"}).description == "costs ${HOME} nothing"

    unknown = write_job(erp_job('{type: bearer, token: "${vault:erp/token}"}'), name="unknown.yaml")
    with pytest.raises(JobConfigError) as caught:
        load_job(unknown, env={})
    [issue] = caught.value.issues
    assert issue.message == "unknown placeholder '${vault:…}' (use ${env:VAR} or ${file:path})"


def test_an_unquoted_placeholder_in_a_flow_mapping_gets_a_hint(write_job: WriteJob) -> None:
    path = write_job(erp_job("{type: bearer, token: ${env:ERP_TOKEN}}"))

    with pytest.raises(JobConfigError) as caught:
        load_job(path, env={"ERP_TOKEN": "token-for-hint-test"})

    [issue] = caught.value.issues
    assert issue.line == 7
    assert 'a placeholder needs quotes: "${env:VAR}"' in issue.message
