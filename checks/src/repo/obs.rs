//! Observability checks (roadmap items 3.1 tracing, 3.2 logging, 3.3 metrics and alerting).
