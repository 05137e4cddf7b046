//! Who is on the other end: the socket's peer, or, when that peer is a trusted reverse proxy,
//! the client it names in `X-Forwarded-For`. Every request gets a [`ClientAddr`] extension, which
//! sign-in throttling and the audit trail read.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use app::server::state::ClientAddr;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The proxies allowed to name the client (`SYEI_TRUSTED_PROXIES`: addresses or networks,
/// comma-separated). Empty by default: then `X-Forwarded-For` is ignored, as anyone can send it.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn none() -> TrustedProxies {
        TrustedProxies(Vec::new())
    }

    fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("'{item}' is not an IP address or network (e.g. 10.0.0.1 or 10.0.0.0/8)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

/// The client address for a request that reached us from `peer`: walking `X-Forwarded-For` from
/// the right, the first address that is not one of our proxies. Entries further left were
/// written by the client itself and prove nothing.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &TrustedProxies) -> IpAddr {
    if !trusted.contains(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or_default().rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>().or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip())) {
            Ok(ip) => {
                client = ip;
                if !trusted.contains(ip) {
                    break;
                }
            }
            // A malformed hop: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client
}

pub async fn attach_client_addr(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let forwarded_for = request.headers().get("x-forwarded-for").and_then(|value| value.to_str().ok());
        let client = client_address(peer, forwarded_for, &trusted);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted: TrustedProxies = "10.0.0.1, 192.168.0.0/16".parse().unwrap_or_default();
        let forwarded = Some("203.0.113.9, 198.51.100.4");
        assert_eq!(client_address(ip("198.51.100.77"), forwarded, &trusted), ip("198.51.100.77"));
        assert_eq!(client_address(ip("10.0.0.1"), forwarded, &trusted), ip("198.51.100.4"));
        // The proxy chain is walked from the right while the hops are ours.
        assert_eq!(client_address(ip("10.0.0.1"), Some("203.0.113.9, 192.168.4.4"), &trusted), ip("203.0.113.9"));
        assert_eq!(client_address(ip("10.0.0.1"), None, &trusted), ip("10.0.0.1"));
        assert_eq!(client_address(ip("10.0.0.1"), Some("junk"), &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn the_list_names_what_it_cannot_read() {
        assert!("10.0.0.1,fd00::/8".parse::<TrustedProxies>().is_ok());
        assert!("".parse::<TrustedProxies>().is_ok_and(|t| t.0.is_empty()));
        let error = "10.0.0.1, proxy.local".parse::<TrustedProxies>().unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
    }
}
