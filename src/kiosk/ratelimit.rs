//! A per-client limit on form posts. Clients are keyed on the socket's peer
//! address; `X-Forwarded-For` is believed only when the peer is a proxy named
//! in configuration, because any client can write that header.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

pub struct RateLimiter {
    per_minute: u32,
    trusted: Vec<IpAddr>,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Beyond this many tracked clients, idle buckets are dropped, so a flood of
/// addresses cannot grow memory without bound.
const MAX_CLIENTS: usize = 100_000;

impl RateLimiter {
    pub fn new(per_minute: u32, trusted: &[String]) -> Self {
        Self {
            per_minute,
            trusted: trusted.iter().filter_map(|s| s.parse().ok()).collect(),
            buckets: Mutex::default(),
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

    /// Takes one post from the client's allowance; `Err` carries seconds to wait.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(self.per_minute);
        let per_sec = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(60));
        }
        let b = buckets.entry(client).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * per_sec).min(capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / per_sec).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_refuses_then_refills() {
        let rl = RateLimiter::new(3, &[]);
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        let t0 = Instant::now();
        assert!(rl.check_at(ip, t0).is_ok());
        assert!(rl.check_at(ip, t0).is_ok());
        assert!(rl.check_at(ip, t0).is_ok());
        assert_eq!(rl.check_at(ip, t0), Err(20));
        assert!(rl.check_at(ip, t0 + Duration::from_secs(21)).is_ok());
        let other: IpAddr = "192.0.2.2".parse().expect("ip");
        assert!(rl.check_at(other, t0).is_ok(), "clients are counted apart");
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
        let rl = RateLimiter::new(10, &["10.0.0.5".to_string()]);
        assert_eq!(rl.client(direct, &h), direct.ip());
        assert_eq!(rl.client(proxy, &h).to_string(), "198.51.100.7");
    }
}
