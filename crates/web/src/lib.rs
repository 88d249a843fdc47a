//! Sextant's server: the REST API over sextant-store (being built).
