//! Application architecture checks (roadmap items 2.1 DDD, 2.2 CQRS, 2.3 API design).
