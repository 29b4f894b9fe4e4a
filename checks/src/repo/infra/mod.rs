//! Infrastructure checks (roadmap items 1.1 Kubernetes, 1.2 databases, 1.3 caching, 1.4 load balancing and CDN).
