//! A small HTTP/1.1 load loop for the benchmark: concurrent clients on
//! loopback, each on its own keep-alive connection, sending GET requests
//! with a session cookie and timing each response.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Latency percentiles of one page under load.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50: Duration,
    pub p95: Duration,
}

/// Sends `requests_per_client` GET requests for `path` from each of
/// `clients` concurrent clients, after one untimed request each, and
/// returns the latency percentiles. Fails on any status other than 200.
pub async fn load(address: SocketAddr, path: &str, cookie: &str, clients: usize, requests_per_client: usize) -> Result<Latency> {
    let mut tasks = Vec::with_capacity(clients);
    for _ in 0..clients {
        let path = path.to_string();
        let cookie = cookie.to_string();
        tasks.push(tokio::spawn(async move { client(address, &path, &cookie, requests_per_client).await }));
    }
    let mut latencies = Vec::with_capacity(clients * requests_per_client);
    for task in tasks {
        latencies.extend(task.await.context("a load client panicked")??);
    }
    latencies.sort_unstable();
    Ok(Latency { p50: percentile(&latencies, 50), p95: percentile(&latencies, 95) })
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank - 1]
}

async fn client(address: SocketAddr, path: &str, cookie: &str, requests: usize) -> Result<Vec<Duration>> {
    let stream = TcpStream::connect(address).await.with_context(|| format!("cannot connect to {address}"))?;
    stream.set_nodelay(true)?;
    let mut stream = BufReader::new(stream);
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nAccept-Language: en\r\n\r\n");

    get(&mut stream, &request, path).await?;
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        get(&mut stream, &request, path).await?;
        latencies.push(started.elapsed());
    }
    Ok(latencies)
}

/// Sends one request and reads the whole response.
async fn get(stream: &mut BufReader<TcpStream>, request: &str, path: &str) -> Result<()> {
    stream.get_mut().write_all(request.as_bytes()).await?;

    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status: u16 = line.split_whitespace().nth(1).and_then(|code| code.parse().ok()).with_context(|| format!("invalid HTTP status line {line:?}"))?;
    let mut content_length = None;
    let mut chunked = false;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            bail!("the server closed the connection in the headers of {path}");
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else { continue };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse::<usize>().ok();
        } else if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
    }

    if chunked {
        read_chunked(stream).await?;
    } else if let Some(length) = content_length {
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).await?;
    }
    if status != 200 {
        bail!("GET {path} returned status {status}, expected 200");
    }
    Ok(())
}

async fn read_chunked(stream: &mut BufReader<TcpStream>) -> Result<()> {
    let mut line = String::new();
    loop {
        line.clear();
        stream.read_line(&mut line).await?;
        let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16).with_context(|| format!("invalid chunk size {line:?}"))?;
        let mut chunk = vec![0u8; size + 2];
        stream.read_exact(&mut chunk).await?;
        if size == 0 {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let values: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile(&values, 50), Duration::from_millis(10));
        assert_eq!(percentile(&values, 95), Duration::from_millis(19));
        assert_eq!(percentile(&values[..1], 95), Duration::from_millis(1));
    }
}
