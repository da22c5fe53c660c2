//! A fault proxy between devices and the server: a TCP relay on 127.0.0.1 that, once faults are on,
//! drops some connections, delays others and cuts others after a number of bytes from the server
//! (mid-handshake, mid-answer, or after the server did the work and before the device heard of it, so
//! the device sends the same push again). Turning faults on or off closes every open connection, as a
//! network blip would. TLS passes through untouched: the devices still pin the server's certificate.
//! Seeded, so a failing run can be replayed.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to one connection.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Pass,
    Drop,
    /// Wait, then as `Cut`.
    Delay(Duration, usize),
    /// Pass the server's first `n` bytes, then close both sides.
    Cut(usize),
}

struct Faults {
    rng: StdRng,
    on: bool,
}

impl Faults {
    fn next(&mut self) -> Fault {
        if !self.on {
            return Fault::Pass;
        }
        // Every connection is cut sooner or later, so that faults keep coming on a kept-alive one.
        let budget = self.rng.random_range(0..12_000);
        match self.rng.random_range(0..10) {
            0 => Fault::Drop,
            1 | 2 => Fault::Delay(
                Duration::from_millis(self.rng.random_range(50..400)),
                budget,
            ),
            _ => Fault::Cut(budget),
        }
    }
}

pub struct FaultProxy {
    pub url: String,
    faults: Arc<Mutex<Faults>>,
    /// Bumped to close every open connection.
    blip: tokio::sync::watch::Sender<u64>,
    _runtime: tokio::runtime::Runtime,
}

impl FaultProxy {
    /// A proxy to the server listening at `server` (`host:port`), passing everything until
    /// [`FaultProxy::faults`] turns faults on.
    pub fn start(server: &str, seed: u64) -> FaultProxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let target: SocketAddr = server.parse().unwrap();
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let faults = Arc::new(Mutex::new(Faults {
            rng: StdRng::seed_from_u64(seed),
            on: false,
        }));
        let decide = Arc::clone(&faults);
        let (blip, blips) = tokio::sync::watch::channel(0);
        runtime.spawn(async move {
            while let Ok((device, _)) = listener.accept().await {
                let fault = decide.lock().unwrap_or_else(PoisonError::into_inner).next();
                let mut blips = blips.clone();
                // Only a blip after this connection began closes it.
                blips.borrow_and_update();
                tokio::spawn(async move {
                    tokio::select! {
                        () = relay(device, target, fault) => {}
                        _ = blips.changed() => {}
                    }
                });
            }
        });
        FaultProxy {
            url,
            faults,
            blip,
            _runtime: runtime,
        }
    }

    /// Turns the faults on or off (healed), closing every open connection.
    pub fn faults(&self, on: bool) {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .on = on;
        self.blip.send_modify(|n| *n += 1);
    }
}

async fn relay(device: TcpStream, target: SocketAddr, fault: Fault) {
    let limit = match fault {
        Fault::Drop => return,
        Fault::Delay(pause, n) => {
            tokio::time::sleep(pause).await;
            n
        }
        Fault::Cut(n) => n,
        Fault::Pass => usize::MAX,
    };
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (mut from_device, mut to_server) = (device, server);
    let (mut device_read, mut device_write) = from_device.split();
    let (mut server_read, mut server_write) = to_server.split();
    let up = tokio::io::copy(&mut device_read, &mut server_write);
    let down = async {
        let mut passed = 0;
        let mut buffer = vec![0u8; 16 * 1024];
        while passed < limit {
            let n = match server_read.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n.min(limit - passed),
            };
            if device_write.write_all(&buffer[..n]).await.is_err() {
                break;
            }
            passed += n;
        }
        let _ = device_write.shutdown().await;
    };
    // Whichever way ends first (a cut answer, or either side closing) ends the connection.
    tokio::select! {
        _ = up => {}
        () = down => {}
    }
}
