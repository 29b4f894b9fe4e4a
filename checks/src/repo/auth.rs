//! Authentication and authorization checks (roadmap item 4.1).
