"""Queue health, measured from outside the services: each consumer group's lag per partition, read
from the broker (in messages, and in seconds: the age of the oldest message it has not applied),
and each service's readiness, outbox and dead letters, read from its ``/readyz`` and ``/metrics``.

Nothing here opens a message: the lag in seconds comes from a record's timestamp, never its value.
A service that hosts the measurement (directory does) exports it as Prometheus metrics under the
names kafka_exporter made familiar, and shows it on the operators' page.
"""

from wbs_runtime.monitoring.lag import LagProbe, PartitionLag, Subscription, subscriptions
from wbs_runtime.monitoring.monitor import GroupLag, QueueHealth, QueueHealthMetrics, QueueHealthMonitor
from wbs_runtime.monitoring.services import DeadLetterCount, ServiceHealth, ServiceProbe

__all__ = [
    "DeadLetterCount",
    "GroupLag",
    "LagProbe",
    "PartitionLag",
    "QueueHealth",
    "QueueHealthMetrics",
    "QueueHealthMonitor",
    "ServiceHealth",
    "ServiceProbe",
    "Subscription",
    "subscriptions",
]
