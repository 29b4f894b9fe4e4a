//! Business alignment checks (roadmap items 7.1 feature flags, 7.2 BI, 7.3 cost).
