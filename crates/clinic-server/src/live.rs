//! Live updates: after each push that took changes, the server announces the stream's newest place
//! (`server_seq`) to every device listening on `/v1/events` (server-sent events), and those devices
//! pull at once instead of at their next round. A device that connects again says where it was
//! (`Last-Event-ID`) and hears at once if the stream has moved since; one that cannot listen goes on
//! polling. Only a number crosses this channel: the changes themselves are pulled as always.

use std::convert::Infallible;

use axum::response::sse::Event;
use futures_util::Stream;
use tokio::sync::watch;

/// The stream's newest place, for whoever listens; None once the server is shutting down.
pub struct Live {
    latest: watch::Sender<Option<i64>>,
}

impl Live {
    /// Announcing from `latest`, the newest place the store holds now.
    pub fn new(latest: i64) -> Live {
        Live {
            latest: watch::Sender::new(Some(latest)),
        }
    }

    /// A push committed changes up to `seq`: every listener hears it (once, however many pushes come
    /// before it reads; places only grow).
    pub fn announce(&self, seq: i64) {
        self.latest.send_if_modified(|latest| match latest {
            Some(newest) if *newest < seq => {
                *newest = seq;
                true
            }
            _ => false,
        });
    }

    /// Ends every listener's stream (the server is shutting down: it need not wait for them).
    pub fn close(&self) {
        self.latest.send_replace(None);
    }

    /// The events one listener hears: the newest place at once unless it has seen it (`seen`, from
    /// `Last-Event-ID`), then each newer one. Each event is `changes`, its id the place, its data
    /// `{"latest": place}`.
    pub fn events(
        &self,
        seen: Option<i64>,
    ) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
        let receiver = self.latest.subscribe();
        futures_util::stream::unfold((receiver, seen), |(mut receiver, seen)| async move {
            loop {
                let latest = (*receiver.borrow_and_update())?;
                if seen.is_none_or(|seen| latest > seen) {
                    let event = Event::default()
                        .event("changes")
                        .id(latest.to_string())
                        .data(serde_json::json!({ "latest": latest }).to_string());
                    return Some((Ok(event), (receiver, Some(latest))));
                }
                receiver.changed().await.ok()?;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn id_of(event: &Event) -> String {
        // An event's wire form holds its id line.
        format!("{event:?}")
    }

    #[tokio::test]
    async fn a_listener_hears_the_newest_place_once_and_each_newer_one() {
        let live = Live::new(7);
        let mut fresh = Box::pin(live.events(None));
        let mut caught_up = Box::pin(live.events(Some(7)));
        let first = fresh.next().await.unwrap().unwrap();
        assert!(id_of(&first).contains("id: 7\\n"), "{first:?}");
        live.announce(9);
        live.announce(8);
        live.announce(12);
        // Announcements made before a listener reads come as the newest one.
        let next = caught_up.next().await.unwrap().unwrap();
        assert!(id_of(&next).contains("id: 12\\n"), "{next:?}");
        let next = fresh.next().await.unwrap().unwrap();
        assert!(id_of(&next).contains("id: 12\\n"), "{next:?}");
        live.close();
        assert!(fresh.next().await.is_none());
        assert!(caught_up.next().await.is_none());
    }
}
