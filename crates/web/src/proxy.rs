//! Who the client is, for the login limit: the address the connection came from, or, when
//! that is a trusted proxy, the address the proxy says it was reached from.
//!
//! Each proxy appends the address it was reached from to `X-Forwarded-For`. Walking the
//! header from the right, each hop is believed only while the address it came from is a
//! trusted proxy (`trusted_proxy_addresses`), and at most `trusted_proxies` hops deep. A
//! client that reaches the server directly is no trusted proxy, so whatever header it sends
//! is ignored; one that goes through the proxy can write hops to the left of the proxy's own,
//! and those are never reached.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxies {
    /// How many hops of the header may be believed (0: the header is ignored).
    hops: usize,
    /// The addresses the believed hops must come from.
    trusted: Vec<IpNet>,
}

/// The loopback ranges, trusted when proxies are counted but none is listed (a proxy on the
/// same host, the commonest set-up and the only one that cannot be a remote client).
fn loopback() -> Vec<IpNet> {
    ["127.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect()
}

impl Proxies {
    /// `hops` proxies in front of the server (the `trusted_proxies` setting), at `addresses`
    /// (`trusted_proxy_addresses`). Addresses without a count mean one proxy; a count without
    /// addresses trusts the loopback only.
    pub fn new(hops: usize, addresses: Vec<IpNet>) -> Proxies {
        if addresses.is_empty() {
            Proxies {
                hops,
                trusted: if hops > 0 { loopback() } else { Vec::new() },
            }
        } else {
            Proxies {
                hops: hops.max(1),
                trusted: addresses,
            }
        }
    }

    /// No proxy: the peer is the client.
    pub fn none() -> Proxies {
        Proxies::new(0, Vec::new())
    }

    /// How many hops may be believed.
    pub fn hops(&self) -> usize {
        self.hops
    }

    /// The trusted addresses.
    pub fn trusted(&self) -> &[IpNet] {
        &self.trusted
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy, then the hop it
    /// wrote, and so on while each hop's sender is trusted, at most [`Proxies::hops`] deep.
    /// A hop that is no address stops the walk at the proxy that wrote it.
    pub fn client(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
        let Some(peer) = peer else {
            return "unknown".to_string();
        };
        let mut client = peer.ip().to_canonical();
        if self.hops == 0 || !self.trusts(client) {
            return client.to_string();
        }
        // Several headers are one list, in order.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect();
        let mut from_right = hops.iter().rev();
        for _ in 0..self.hops {
            if !self.trusts(client) {
                break;
            }
            match from_right.next().and_then(|h| address(h)) {
                Some(ip) => client = ip,
                None => break,
            }
        }
        client.to_string()
    }
}

/// A hop of `X-Forwarded-For` as an address: `192.0.2.1`, `2001:db8::1`, or either with a
/// port (`192.0.2.1:5000`, `[2001:db8::1]:5000`), as some proxies write them.
fn address(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
        .map(|ip: IpAddr| ip.to_canonical())
}

/// Reads a list of proxy addresses: each an IP address (`10.0.0.2`) or a CIDR range
/// (`172.16.0.0/12`). A bad entry is named with what was expected.
pub fn parse_addresses<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<IpNet>, String> {
    let mut out = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let net = item
            .parse::<IpNet>()
            .ok()
            .or_else(|| item.parse::<IpAddr>().ok().map(IpNet::from))
            .ok_or_else(|| {
                format!(
                    "expected IP addresses or CIDR ranges such as 10.0.0.2 or 172.16.0.0/12, found `{item}`"
                )
            })?;
        out.push(net);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for f in forwarded {
            h.append("x-forwarded-for", f.parse().unwrap());
        }
        h
    }

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(ip.parse().unwrap(), 40000))
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let p = Proxies::new(1, parse_addresses(["10.0.0.2"]).unwrap());
        let h = headers(&["198.51.100.7, 203.0.113.5"]);
        // Through the proxy: the hop it wrote, not the client's own words to its left.
        assert_eq!(p.client(&h, peer("10.0.0.2")), "203.0.113.5");
        // Straight from a client that set the header itself: the peer.
        assert_eq!(p.client(&h, peer("203.0.113.9")), "203.0.113.9");
        // No proxy configured: the header is ignored.
        assert_eq!(Proxies::none().client(&h, peer("10.0.0.2")), "10.0.0.2");
        // No header through the proxy: the proxy.
        assert_eq!(p.client(&HeaderMap::new(), peer("10.0.0.2")), "10.0.0.2");
        assert_eq!(p.client(&h, None), "unknown");
    }

    #[test]
    fn a_count_without_addresses_trusts_the_loopback_and_addresses_without_a_count_one_hop() {
        let p = Proxies::new(1, Vec::new());
        let h = headers(&["203.0.113.5"]);
        assert_eq!(p.client(&h, peer("127.0.0.1")), "203.0.113.5");
        assert_eq!(p.client(&h, peer("::1")), "203.0.113.5");
        assert_eq!(p.client(&h, peer("10.0.0.2")), "10.0.0.2");
        let p = Proxies::new(0, parse_addresses(["10.0.0.0/8"]).unwrap());
        assert_eq!(p.hops(), 1);
        assert_eq!(p.client(&h, peer("10.1.2.3")), "203.0.113.5");
        // An IPv4 peer seen through an IPv6 socket is the same address.
        assert_eq!(p.client(&h, peer("::ffff:10.1.2.3")), "203.0.113.5");
    }

    #[test]
    fn two_proxies_are_walked_while_each_sender_is_trusted() {
        let p = Proxies::new(2, parse_addresses(["10.0.0.0/24"]).unwrap());
        // client -> 10.0.0.1 -> 10.0.0.2 -> server: the first proxy wrote the client.
        let h = headers(&["198.51.100.1, 203.0.113.5", "10.0.0.1"]);
        assert_eq!(p.client(&h, peer("10.0.0.2")), "203.0.113.5");
        // A client that reached the second proxy directly: its own hops are not believed.
        let h = headers(&["198.51.100.1, 203.0.113.5"]);
        assert_eq!(p.client(&h, peer("10.0.0.2")), "203.0.113.5");
        let h = headers(&["10.0.0.7, 203.0.113.5"]);
        assert_eq!(p.client(&h, peer("10.0.0.2")), "203.0.113.5");
        // No deeper than the count.
        let h = headers(&["198.51.100.1, 10.0.0.9, 10.0.0.1"]);
        assert_eq!(p.client(&h, peer("10.0.0.2")), "10.0.0.9");
    }

    #[test]
    fn hops_with_ports_are_read_and_garbage_stops_at_the_proxy() {
        let p = Proxies::new(1, parse_addresses(["10.0.0.2"]).unwrap());
        for (hop, want) in [
            ("203.0.113.5:5000", "203.0.113.5"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
            ("unknown", "10.0.0.2"),
        ] {
            assert_eq!(p.client(&headers(&[hop]), peer("10.0.0.2")), want, "{hop}");
        }
    }

    #[test]
    fn proxy_addresses_are_checked() {
        let nets = parse_addresses(["10.0.0.2", " 172.16.0.0/12 ", "::1", ""]).unwrap();
        let shown: Vec<String> = nets.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.2/32", "172.16.0.0/12", "::1/128"]);
        assert_eq!(
            parse_addresses(["10.0.0.2", "proxy.example"]).unwrap_err(),
            "expected IP addresses or CIDR ranges such as 10.0.0.2 or 172.16.0.0/12, found `proxy.example`"
        );
        assert!(parse_addresses(["10.0.0.0/33"]).is_err());
    }
}
