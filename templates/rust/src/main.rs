//! A minimal AT Protocol service: answers `GET /xrpc/_health` and returns an
//! XRPC error for everything else. Standard library only; swap in your HTTP
//! framework of choice (axum, poem, …) once the service grows.

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn respond(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn handle(mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read (and ignore) the headers, so the client is not cut off mid-request.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");

    match (method, path) {
        ("GET", "/xrpc/_health") => {
            respond(&mut stream, "200 OK", &format!("{{\"version\":\"{VERSION}\"}}"))
        }
        _ if path.starts_with("/xrpc/") => respond(
            &mut stream,
            "501 Not Implemented",
            r#"{"error":"MethodNotImplemented","message":"Method Not Implemented"}"#,
        ),
        _ => respond(
            &mut stream,
            "404 Not Found",
            r#"{"error":"NotFound","message":"Not Found"}"#,
        ),
    }
}

fn main() -> std::io::Result<()> {
    let host = env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_string());
    let port = env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let listener = TcpListener::bind(format!("{host}:{port}"))?;
    eprintln!("listening on http://{host}:{port}");

    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                thread::spawn(move || {
                    if let Err(err) = handle(stream) {
                        eprintln!("connection error: {err}");
                    }
                });
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
    Ok(())
}
