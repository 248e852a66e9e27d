//! Post limits that fit an office: token buckets per session and per address.
//!
//! A council office puts many staff behind one address, and a child referral is twenty-odd
//! posts, so a single per-address limit either refuses colleagues working side by side or is
//! too loose to stop a flood. So there are two kinds of bucket:
//!
//! - **per session**, for page posts in a live session: a person moves at a page every few
//!   seconds at most, so `per_session` a minute (with a burst of the same size) never touches
//!   a person but stops a script hammering one session;
//! - **per address**, for what creates work without a live session (a request that would
//!   start a session) and for final submits (each one an fsync): `per_address` a minute is
//!   enough for a whole office starting and sending forms, and stops one client minting
//!   sessions or submits in a loop.
//!
//! Addresses are the socket's peer; `X-Forwarded-For` is believed only from configured proxies,
//! because any client can write that header. Session keys are hashes of the session id, never
//! the id itself.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

/// Beyond this many tracked keys, idle buckets are dropped, so a flood of addresses or sessions
/// cannot grow memory without bound.
const MAX_KEYS: usize = 100_000;

/// Token buckets of one size, one per key: `per_minute` tokens a minute, bursts of the same.
struct Buckets<K> {
    per_minute: u32,
    map: Mutex<HashMap<K, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Hash + Eq> Buckets<K> {
    fn new(per_minute: u32) -> Self {
        Buckets {
            per_minute: per_minute.max(1),
            map: Mutex::default(),
        }
    }

    /// Takes one token; `Err` carries the seconds to wait.
    fn take(&self, key: K, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_KEYS {
            map.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(60));
        }
        let b = map.entry(key).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * per_sec).min(capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / per_sec).ceil().max(1.0) as u64)
        }
    }
}

/// What a post is counted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// A post in a live session.
    SessionPost,
    /// A request that would create a session (no live one yet).
    NewSession,
    /// A final submit in a live session: counts against the session and the address.
    Submit,
}

pub struct RateLimiter {
    trusted: Vec<IpAddr>,
    sessions: Buckets<[u8; 16]>,
    addresses: Buckets<IpAddr>,
}

impl RateLimiter {
    pub fn new(per_session: u32, per_address: u32, trusted: &[String]) -> Self {
        Self {
            trusted: trusted.iter().filter_map(|s| s.parse().ok()).collect(),
            sessions: Buckets::new(per_session),
            addresses: Buckets::new(per_address),
        }
    }

    /// The address a request is counted against.
    pub fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
        let ip = peer.ip();
        if !self.trusted.contains(&ip) {
            return ip;
        }
        headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(ip)
    }

    /// Takes what `cost` costs from `session`'s and `address`'s allowances; `Err` carries the
    /// seconds to wait. `session` is the session id (any stable text), hashed here.
    pub fn check(&self, cost: Cost, session: Option<&str>, address: IpAddr) -> Result<(), u64> {
        self.check_at(cost, session, address, Instant::now())
    }

    fn check_at(
        &self,
        cost: Cost,
        session: Option<&str>,
        address: IpAddr,
        now: Instant,
    ) -> Result<(), u64> {
        let session_key = session.map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            let mut key = [0u8; 16];
            key.copy_from_slice(&digest[..16]);
            key
        });
        match (cost, session_key) {
            (Cost::SessionPost, Some(k)) => self.sessions.take(k, now),
            (Cost::Submit, Some(k)) => {
                self.sessions.take(k, now)?;
                self.addresses.take(address, now)
            }
            _ => self.addresses.take(address, now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn a_bucket_allows_a_burst_then_refuses_then_refills() {
        let b = Buckets::new(3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.take(ip("192.0.2.1"), t0).is_ok());
        }
        assert_eq!(b.take(ip("192.0.2.1"), t0), Err(20));
        assert!(b
            .take(ip("192.0.2.1"), t0 + Duration::from_secs(21))
            .is_ok());
        assert!(
            b.take(ip("192.0.2.2"), t0).is_ok(),
            "keys are counted apart"
        );
    }

    #[test]
    fn an_office_behind_one_address_is_limited_per_person_not_together() {
        let rl = RateLimiter::new(30, 60, &[]);
        let office = ip("198.51.100.20");
        let t0 = Instant::now();
        // Thirty people, each a page every ten seconds for four minutes: 720 posts from one
        // address, and each person starts one session and submits once.
        for person in 0..30 {
            assert!(rl.check_at(Cost::NewSession, None, office, t0).is_ok());
            let _ = person;
        }
        for step in 0..24u64 {
            let now = t0 + Duration::from_secs(step * 10);
            for person in 0..30 {
                let s = format!("session-{person}");
                assert!(
                    rl.check_at(Cost::SessionPost, Some(&s), office, now)
                        .is_ok(),
                    "person {person} refused at step {step}"
                );
            }
        }
        let end = t0 + Duration::from_secs(240);
        for person in 0..30 {
            let s = format!("session-{person}");
            assert!(rl.check_at(Cost::Submit, Some(&s), office, end).is_ok());
        }
    }

    #[test]
    fn one_client_flooding_posts_or_sessions_is_refused() {
        let rl = RateLimiter::new(30, 60, &[]);
        let t0 = Instant::now();
        let one = ip("203.0.113.5");
        let flood =
            (0..100).filter(|_| rl.check_at(Cost::SessionPost, Some("s"), one, t0).is_err());
        assert_eq!(flood.count(), 70, "a burst of 30, then refused");
        let sessions = (0..100).filter(|_| rl.check_at(Cost::NewSession, None, one, t0).is_err());
        assert_eq!(
            sessions.count(),
            40,
            "a burst of 60 new sessions, then refused"
        );
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().expect("header"),
        );
        let direct: SocketAddr = "192.0.2.1:5000".parse().expect("addr");
        let proxy: SocketAddr = "10.0.0.5:5000".parse().expect("addr");
        let rl = RateLimiter::new(10, 10, &["10.0.0.5".to_string()]);
        assert_eq!(rl.client(direct, &h), direct.ip());
        assert_eq!(rl.client(proxy, &h).to_string(), "198.51.100.7");
    }
}
