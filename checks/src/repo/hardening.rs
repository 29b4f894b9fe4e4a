//! Security hardening checks beyond scanning (roadmap item 4.2): headers, CSP, DAST.
