"""The process's metrics in Prometheus' format: jobs by status, how long jobs ran and waited,
failures by error code, paid AI calls and their estimated cost, queue depth and jobs in
flight per chat platform. Labels are bounded
(statuses, codes, platforms): never a user."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from postready.core.queue.updates import JobUpdate
from postready.core.storage.models import ACTIVE_STATUSES, ENDED_STATUSES
from postready.core.storage.repositories import JobRepository

# Seconds: a job takes from a second to the processing timeout (10 minutes by default).
BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200)
STATUSES = ("queued", "running", "completed", "failed", "cancelled")


class JobMetrics:
    """Counts what jobs do as their updates pass (`observe`), and reads the queue's state from
    the storage when scraped (`render`)."""

    def __init__(self, jobs: JobRepository) -> None:
        self._jobs = jobs
        self.registry = CollectorRegistry()
        self._ended = Counter(
            "postready_jobs_ended", "Jobs that ended, by how", ["status"], registry=self.registry
        )
        self._failures = Counter(
            "postready_job_failures", "Failed jobs by error code", ["code"], registry=self.registry
        )
        self._duration = Histogram(
            "postready_job_duration_seconds",
            "From a job's start to its end",
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._wait = Histogram(
            "postready_job_queue_wait_seconds",
            "From a job's submission to its start",
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._by_status = Gauge(
            "postready_jobs", "Jobs kept, by status", ["status"], registry=self.registry
        )
        self._in_flight = Gauge(
            "postready_jobs_in_flight",
            "Jobs queued or running in this process's view, by chat platform",
            ["platform"],
            registry=self.registry,
        )
        self._paid_calls = Counter(
            "postready_ai_calls",
            "Paid calls of finished jobs: AI text services and image API renders",
            ["kind"],
            registry=self.registry,
        )
        self._cost = Counter(
            "postready_ai_cost_usd",
            "Estimated cost of finished jobs' paid calls, US dollars (by the price table)",
            registry=self.registry,
        )
        self._flying: dict[int, str] = {}

    def observe(self, update: JobUpdate) -> None:
        """A job's update, as it passes to its chat."""
        job, session = update.job, update.job.session
        if job.status in ACTIVE_STATUSES:
            self._flying[job.id] = session.user.platform
        elif job.status in ENDED_STATUSES and update.progress is None:
            self._flying.pop(job.id, None)
            self._ended.labels(job.status).inc()
            if job.status == "failed" and session.error is not None:
                self._failures.labels(str(session.error.code)).inc()
            if update.result is not None and update.result.cost is not None:
                cost = update.result.cost
                renders = sum(usage.images for usage in cost.usage)
                self._paid_calls.labels("ai_call").inc(update.result.ai_calls)
                self._paid_calls.labels("image_render").inc(renders)
                self._cost.inc(cost.usd)
            if session.started_at is not None:
                self._wait.observe((session.started_at - session.created_at).total_seconds())
                if session.completed_at is not None:
                    duration = session.completed_at - session.started_at
                    self._duration.observe(duration.total_seconds())

    async def render(self) -> bytes:
        """The metrics now, in Prometheus' text format."""
        counts = await self._jobs.status_counts()
        for status in STATUSES:
            self._by_status.labels(status).set(counts.get(status, 0))
        flying: dict[str, int] = {}
        for platform in self._flying.values():
            flying[platform] = flying.get(platform, 0) + 1
        self._in_flight.clear()
        for platform, count in flying.items():
            self._in_flight.labels(platform).set(count)
        return generate_latest(self.registry)
