//! Alert delivery: a JSON POST to the configured webhook. Plain HTTP/1.1 over
//! a socket, which is all an internal alert receiver needs, without pulling an
//! HTTP client stack into the server.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub async fn post_json(url: &str, body: &serde_json::Value) -> Result<u16, String> {
    let rest = url.strip_prefix("http://").ok_or("only http:// webhooks are supported")?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let payload = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\nUser-Agent: sluice\r\n\r\n{payload}",
        payload.len()
    );
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(hostport).await.map_err(|e| e.to_string())?;
        stream.write_all(request.as_bytes()).await.map_err(|e| e.to_string())?;
        let mut head = vec![0u8; 64];
        let n = stream.read(&mut head).await.map_err(|e| e.to_string())?;
        let line = String::from_utf8_lossy(&head[..n]).to_string();
        line.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| format!("bad response: {line}"))
    };
    let status =
        tokio::time::timeout(Duration::from_secs(5), exchange).await.map_err(|_| "webhook timed out".to_string())??;
    if (200..300).contains(&status) { Ok(status) } else { Err(format!("webhook answered {status}")) }
}
