//! Code quality checks (roadmap item 6.2) beyond coverage.
