//! WebSockets (RFC 7395, subprotocol `xmpp`): two threads per socket, neither of which polls.
//!
//! A blocking `tungstenite` socket cannot be read and written from two threads, so the TCP
//! stream is split: the *reader* thread blocks in `read` on one handle; the *writer* thread
//! owns the other handle and is the only one that writes to the socket: the frames the driver
//! queues (encoded by a write-only `tungstenite` instance) and the bytes the reader's
//! `tungstenite` instance has to send (pongs, the close reply), which its stream forwards to
//! the writer instead of writing them itself. Every frame is thus written whole, in order.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::mpsc::{self, Sender};
use std::thread;
use std::time::Duration;

use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use crate::Trace;
use crate::driver::Input;

/// How long a closing socket waits for the server's close before cutting the connection.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// Work for a writer thread.
#[derive(Debug)]
pub(crate) enum WsOut {
    /// Send one text frame.
    Text(String),
    /// Bytes the reader's protocol instance has to send (already framed).
    Raw(Vec<u8>),
    /// Close the socket (the driver wants nothing more from it).
    Close,
}

/// The stream under the reading `tungstenite` instance: reads from the socket; writes go to
/// the socket directly until `forward` is set (the handshake), then to the writer thread.
#[derive(Debug)]
pub(crate) struct ReadSide {
    pub(crate) tcp: TcpStream,
    forward: Option<Sender<WsOut>>,
}

impl Read for ReadSide {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.tcp.read(buf)
    }
}

impl Write for ReadSide {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &self.forward {
            None => self.tcp.write(buf),
            Some(writer) => match writer.send(WsOut::Raw(buf.to_vec())) {
                Ok(()) => Ok(buf.len()),
                Err(_) => Err(ErrorKind::BrokenPipe.into()),
            },
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &self.forward {
            None => self.tcp.flush(),
            Some(_) => Ok(()),
        }
    }
}

/// The stream under the writing `tungstenite` instance: write-only.
struct WriteSide(TcpStream);

impl Read for WriteSide {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(ErrorKind::Unsupported.into())
    }
}

impl Write for WriteSide {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Opens `url` with the subprotocol `xmpp`: TCP connect and handshake, each within `timeout`
/// (which stays the socket's read and write timeout). Plain `ws://` only.
pub(crate) fn open(url: &str, timeout: Duration) -> Result<WebSocket<ReadSide>, String> {
    let mut request = url.into_client_request().map_err(|e| format!("bad URL {url}: {e}"))?;
    request.headers_mut().insert("Sec-WebSocket-Protocol", HeaderValue::from_static("xmpp"));
    let uri = request.uri();
    if uri.scheme_str() != Some("ws") {
        return Err(format!("{url}: only ws:// is supported (no TLS in this driver)"));
    }
    let host = uri.host().ok_or_else(|| format!("{url}: no host"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    let addrs = (host, port).to_socket_addrs().map_err(|e| format!("{url}: {e}"))?;
    let mut last = format!("{url}: no address");
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    let tcp = stream.ok_or(last)?;
    let _ = tcp.set_nodelay(true);
    tcp.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let (socket, _response) = tungstenite::client(request, ReadSide { tcp, forward: None })
        .map_err(|e| format!("{url}: handshake: {e}"))?;
    Ok(socket)
}

/// Whether a read error only means that nothing came within the read timeout.
pub(crate) fn is_timeout(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if matches!(io.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

/// Starts socket `conn`: it reports `WsOpened`, each `WsMessage`, and `WsClosed` when it
/// fails or the server closes it. Returns where to queue frames; `WsOut::Close` (or dropping
/// every sender) closes it without a report.
pub(crate) fn spawn(
    conn: u64,
    url: String,
    inputs: Sender<Input>,
    connect_timeout: Duration,
    trace: Option<Trace>,
) -> io::Result<Sender<WsOut>> {
    let (out, out_rx) = mpsc::channel();
    let to_writer = out.clone();
    let note = move |trace: &Option<Trace>, what: &str| {
        if let Some(trace) = trace {
            trace(&format!("ws {conn}: {what}"));
        }
    };
    thread::Builder::new().name(format!("finesse-ws-{conn}")).spawn(move || {
        let mut reader = match open(&url, connect_timeout) {
            Ok(socket) => socket,
            Err(e) => {
                note(&trace, &e);
                let _ = inputs.send(Input::WsClosed { conn });
                return;
            }
        };
        // Reads block until a frame comes; writes keep the timeout.
        let split = reader.get_ref().tcp.set_read_timeout(None).and_then(|()| {
            Ok((reader.get_ref().tcp.try_clone()?, reader.get_ref().tcp.try_clone()?))
        });
        let (tcp, write_tcp) = match split {
            Ok(handles) => handles,
            Err(e) => {
                note(&trace, &format!("could not split the socket: {e}"));
                let _ = inputs.send(Input::WsClosed { conn });
                return;
            }
        };
        reader.get_mut().forward = Some(to_writer);
        let mut writer = WebSocket::from_raw_socket(WriteSide(write_tcp), Role::Client, None);
        let (reader_done, reader_ended) = mpsc::channel::<()>();
        let reader_inputs = inputs.clone();
        let reader_trace = trace.clone();
        let spawned =
            thread::Builder::new().name(format!("finesse-ws-{conn}-read")).spawn(move || {
                let _done = reader_done;
                loop {
                    match reader.read() {
                        Ok(Message::Text(text)) => {
                            let text = text.as_str().to_owned();
                            let _ = reader_inputs.send(Input::WsMessage { conn, text });
                        }
                        // Pings are answered by tungstenite; binary frames are not XMPP (RFC 7395
                        // §3.2); after a close frame the next read reports the end.
                        Ok(_) => {}
                        Err(e) => {
                            note(&reader_trace, &format!("read: {e}"));
                            let _ = reader_inputs.send(Input::WsClosed { conn });
                            return;
                        }
                    }
                }
            });
        if spawned.is_err() {
            note(&trace, "could not start the reader thread");
            let _ = inputs.send(Input::WsClosed { conn });
            return;
        }
        let _ = inputs.send(Input::WsOpened { conn });
        // The writer: until the driver closes the socket (or forgets it).
        while let Ok(work) = out_rx.recv() {
            let written = match work {
                WsOut::Text(text) => writer.send(Message::text(text)).map_err(|e| e.to_string()),
                WsOut::Raw(bytes) => {
                    let side = writer.get_mut();
                    side.0
                        .write_all(&bytes)
                        .and_then(|()| side.0.flush())
                        .map_err(|e| e.to_string())
                }
                WsOut::Close => break,
            };
            if let Err(e) = written {
                note(&trace, &format!("write: {e}"));
                // The reader sees the broken connection too and reports it.
                let _ = tcp.shutdown(Shutdown::Both);
            }
        }
        // Close: the close frame, a moment for the server's answer (the reader ends on it),
        // then the connection is cut, which also ends a reader still waiting.
        let _ = writer.close(None);
        let _ = writer.flush();
        let _ = reader_ended.recv_timeout(CLOSE_WAIT);
        let _ = tcp.shutdown(Shutdown::Both);
    })?;
    Ok(out)
}
