//! Performance and scalability checks (roadmap items 5.1, 5.2, 5.3).
