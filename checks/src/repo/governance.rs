//! Compliance and governance checks (roadmap item 4.3).
