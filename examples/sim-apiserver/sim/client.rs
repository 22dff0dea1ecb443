//! A minimal blocking HTTP/1.1 client for the simulator's own tests: one
//! request per connection, chunked bodies decoded, watch streams read line
//! by line with a deadline. Tests use it instead of an HTTP client crate.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Client {
    pub addr: SocketAddr,
    pub token: Option<String>,
    pub timeout: Duration,
    /// The `Accept` header sent.
    pub accept: String,
}

impl Client {
    pub fn new(addr: SocketAddr, token: Option<&str>) -> Client {
        Client {
            addr,
            token: token.map(String::from),
            timeout: Duration::from_secs(10),
            accept: "application/json".into(),
        }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> std::io::Result<BufReader<TcpStream>> {
        let mut stream = TcpStream::connect_timeout(&self.addr, self.timeout)?;
        stream.set_read_timeout(Some(self.timeout))?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAccept: {}\r\nUser-Agent: sim-test/1.0\r\n",
            self.addr, self.accept
        );
        if let Some(t) = &self.token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if !body.is_empty() || method != "GET" {
            head.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(body)?;
        Ok(BufReader::new(stream))
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut r = self.send(method, path, content_type, body)?;
        let (status, headers) = read_head(&mut r)?;
        let chunked = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
        let mut body = Vec::new();
        if chunked {
            while let Some(chunk) = read_chunk(&mut r)? {
                body.extend_from_slice(&chunk);
            }
        } else {
            r.read_to_end(&mut body)?;
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, "", b"")
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub fn send_json(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &Value,
    ) -> Response {
        self.request(method, path, content_type, body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// Opens a watch; events are read with `Watch::next`.
    pub fn watch(&self, path: &str) -> Watch {
        let mut r = self
            .send("GET", path, "", b"")
            .unwrap_or_else(|e| panic!("watch {path}: {e}"));
        let (status, _) = read_head(&mut r).unwrap_or_else(|e| panic!("watch {path}: {e}"));
        Watch {
            status,
            reader: r,
            buf: Vec::new(),
            ended: false,
        }
    }
}

fn read_head(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Vec<(String, String)>)> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok((status, headers))
}

/// One chunk of a chunked body; None at the end.
fn read_chunk(r: &mut BufReader<TcpStream>) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let size = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
    if size == 0 {
        return Ok(None);
    }
    let mut chunk = vec![0; size];
    r.read_exact(&mut chunk)?;
    let mut crlf = [0; 2];
    r.read_exact(&mut crlf)?;
    Ok(Some(chunk))
}

pub struct Watch {
    pub status: u16,
    reader: BufReader<TcpStream>,
    buf: Vec<u8>,
    pub ended: bool,
}

impl Watch {
    /// The next event, or None when the stream ended or `within` passed.
    pub fn next(&mut self, within: Duration) -> Option<Value> {
        let end = Instant::now() + within;
        loop {
            if let Some(pos) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=pos).collect();
                return serde_json::from_slice(&line).ok();
            }
            if self.ended {
                return None;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let _ = self.reader.get_ref().set_read_timeout(Some(left));
            match read_chunk(&mut self.reader) {
                Ok(Some(chunk)) => self.buf.extend_from_slice(&chunk),
                Ok(None) => self.ended = true,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return None;
                }
                Err(_) => self.ended = true,
            }
        }
    }

    /// Events until one matches `pred` (returned) or `within` passes.
    pub fn until(
        &mut self,
        within: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        let end = Instant::now() + within;
        while let Some(e) = self.next(end.saturating_duration_since(Instant::now())) {
            if pred(&e) {
                return Some(e);
            }
        }
        None
    }
}
