//! Documentation checks (roadmap item 6.3) beyond decision records.
