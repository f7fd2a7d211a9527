"""deploy/'s Prometheus and Grafana against the code: every expression in the alert rules and the
dashboards names only metrics the services export, Prometheus scrapes every service, and Grafana's
dashboards use the datasource it provisions.

The exported names are not a list kept by hand: every service's runtime is built from its
entrypoint (as ``serve`` builds it, without starting it) and its metric registry is read.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from wbs_contracts.registry import SERVICES
from wbs_runtime.auth.keys import issue_assertion_keys
from wbs_runtime.cli import ServiceProgram
from wbs_runtime.settings import default_http_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
#: The sample names a metric family of each type exposes (prometheus_client's text format).
SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
    "info": ("_info",),
    "stateset": ("",),
    "gaugehistogram": ("_bucket", "_gcount", "_gsum"),
    "unknown": ("",),
}
#: Grafana's own variables stand where PromQL has a duration or a value.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """metric name -> the services whose registry exports it."""
    keys = tmp_path_factory.mktemp("keys")
    issue_assertion_keys(keys, SERVICES)
    names: dict[str, set[str]] = {}
    for service in SERVICES:
        program = importlib.import_module(f"wbs_{service}.entrypoint").PROGRAM
        assert isinstance(program, ServiceProgram)
        settings = program.settings(
            database_url=f"postgresql://wbs_{service}@127.0.0.1:9/wbs_{service}",
            kafka_bootstrap_servers="127.0.0.1:9",
            key_dir=keys / service,
        )
        runtime = program.build(settings)
        for family in runtime.metrics.registry.collect():
            for suffix in SUFFIXES[family.type]:
                names.setdefault(family.name + suffix, set()).add(service)
    return names


def metric_names(node: Any) -> Iterator[str]:
    """Every metric a parsed PromQL expression selects."""
    if isinstance(node, promql_parser.VectorSelector):
        if node.name:
            yield node.name
        for matcher in node.matchers.matchers:
            if matcher.name == "__name__":
                yield matcher.value
        return
    if isinstance(node, promql_parser.MatrixSelector):
        yield from metric_names(node.vector_selector)
    elif isinstance(node, promql_parser.BinaryExpr):
        yield from metric_names(node.lhs)
        yield from metric_names(node.rhs)
    elif isinstance(node, promql_parser.Call):
        for argument in node.args:
            yield from metric_names(argument)
    elif isinstance(node, promql_parser.AggregateExpr):
        yield from metric_names(node.expr)
        if node.param is not None:
            yield from metric_names(node.param)
    elif isinstance(node, promql_parser.ParenExpr | promql_parser.UnaryExpr | promql_parser.SubqueryExpr):
        yield from metric_names(node.expr)
    else:
        assert isinstance(node, promql_parser.NumberLiteral | promql_parser.StringLiteral), type(node)


def names_in(expression: str) -> set[str]:
    for variable, value in GRAFANA_VARIABLES.items():
        expression = expression.replace(variable, value)
    return set(metric_names(promql_parser.parse(expression)))


def test_the_names_of_a_parsed_expression_are_found() -> None:
    found = names_in(
        'sum by (consumergroup) (rate(a_total{topic=~"$t"}[$__rate_interval])) > 3 or absent(b) '
        'unless histogram_quantile(0.9, sum by (le) (rate(c_bucket[5m]))) and {__name__="d"}'
    )
    assert found == {"a_total", "b", "c_bucket", "d"}


def alert_rules() -> list[dict[str, Any]]:
    config = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule for group in config["groups"] for rule in group["rules"]]


def dashboards() -> dict[str, dict[str, Any]]:
    return {
        path.name: json.loads(path.read_text()) for path in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
    }


def panels_of(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in document.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def test_the_exported_names_come_from_the_code(exported: dict[str, set[str]]) -> None:
    """The registries hold what the issue asks for, measured by the service that measures it."""
    for name in (
        "kafka_consumergroup_lag",
        "kafka_consumergroup_current_offset",
        "kafka_topic_partition_current_offset",
        "wbs_consumergroup_lag_seconds",
        "wbs_service_ready",
    ):
        assert exported.get(name) == {"directory"}, name
    for name in ("wbs_outbox_backlog_events", "wbs_dead_letters_parked", "wbs_outbox_relay_leader"):
        assert exported.get(name) == set(SERVICES), name


def test_every_alert_names_only_exported_metrics_and_says_what_to_do(exported: dict[str, set[str]]) -> None:
    rules = alert_rules()
    assert rules
    used: set[str] = set()
    for rule in rules:
        names = names_in(rule["expr"])
        assert names, rule["alert"]
        assert names <= set(exported), f"{rule['alert']} names {sorted(names - set(exported))}, which nothing exports"
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert " / " in rule["annotations"]["summary"], "summaries are in both languages"
        used |= names
    # The alerts the issue asks for: lag high, lag in seconds, dead letters, outbox age, not ready.
    assert {
        "kafka_consumergroup_lag",
        "wbs_consumergroup_lag_seconds",
        "wbs_dead_letters_parked",
        "wbs_outbox_oldest_unpublished_age_seconds",
        "wbs_service_ready",
    } <= used


def test_every_dashboard_expression_names_only_exported_metrics(exported: dict[str, set[str]]) -> None:
    found = dashboards()
    assert set(found) >= {"queue-health.json"}
    for name, document in found.items():
        expressions = [
            target["expr"] for panel in panels_of(document) for target in panel.get("targets", []) if "expr" in target
        ]
        assert expressions, name
        for expression in expressions:
            names = names_in(expression)
            assert names, expression
            assert names <= set(exported), f"{name}: {expression} names {sorted(names - set(exported))}"
        for variable in document["templating"]["list"]:
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            matched = re.fullmatch(r"label_values\((\w+),\s*\w+\)", query)
            assert matched, query
            assert matched.group(1) in exported, query


def test_dashboards_use_the_provisioned_datasource_and_have_unique_ids() -> None:
    datasources = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    [prometheus] = datasources["datasources"]
    assert prometheus["url"] == "http://prometheus:9090"
    found = dashboards()
    assert len({d["uid"] for d in found.values()}) == len(found)
    for document in found.values():
        for panel in panels_of(document):
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == prometheus["uid"]
                ids = [p["id"] for p in panels_of(document)]
                assert len(ids) == len(set(ids))


def test_prometheus_scrapes_every_service_and_loads_the_alerts(compose: dict[str, Any]) -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    targets = {t for job in config["scrape_configs"] for static in job["static_configs"] for t in static["targets"]}
    assert targets == {f"{service}:{default_http_port(service)}" for service in SERVICES}
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    prometheus = compose["services"]["prometheus"]
    assert "./prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    grafana = compose["services"]["grafana"]
    provider = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "dashboards" / "wbs.yml").read_text())
    assert f"./grafana/dashboards:{provider['providers'][0]['options']['path']}:ro" in grafana["volumes"]
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in grafana["volumes"]


def test_directory_reads_every_service_at_its_address_in_compose(compose: dict[str, Any]) -> None:
    urls = json.loads(compose["services"]["directory"]["environment"]["WBS_DIRECTORY_SERVICE_URLS"])
    assert urls == {service: f"http://{service}:{default_http_port(service)}" for service in SERVICES}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return document
