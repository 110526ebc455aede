//! A streamed body that must end by a deadline: the proxy's `--timeout` bounds the bodies it
//! streams through unchecked, both ways.

use std::future::Future as _;

/// A streamed body that must end by a deadline (the proxy's `--timeout` from the call's
/// start): past it, the body fails, and the connection it was streamed on is closed.
pub(crate) struct Deadline<B> {
    body: B,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    timeout: std::time::Duration,
}

impl<B> Deadline<B> {
    /// `body`, failing once `deadline` passes (`timeout` is named in the error).
    pub(crate) fn new(body: B, deadline: tokio::time::Instant, timeout: std::time::Duration) -> Self {
        Self {
            body,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            timeout,
        }
    }
}

impl<B> hyper::body::Body for Deadline<B>
where
    B: hyper::body::Body + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = B::Data;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        use std::task::Poll;
        if let Poll::Ready(frame) = std::pin::Pin::new(&mut self.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            let timeout = humantime::format_duration(self.timeout);
            return Poll::Ready(Some(Err(format!(
                "cckm-sync proxy: the body did not end within {timeout}"
            )
            .into())));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}
