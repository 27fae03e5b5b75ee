// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

/// One eventfd, for wake-ups inside this process (a control thread, a client's reader). Event channels between
/// domains use ``EventPipe`` instead, whose ends cannot be shared in a way another process could abuse.
///
/// Non-blocking: waiting is `poll` plus a `read`, and a full counter counts as "already pending".
///
/// Unsafe pointers appear only as the address of a local 8-byte counter handed to read(2)/write(2) with its
/// exact size.
public final class EventSignal: @unchecked Sendable {
    public let descriptor: Int32

    /// A new eventfd.
    public init() throws(XenError) {
        descriptor = cvtpm_channel_eventfd()
        guard descriptor >= 0 else { throw XenError(.systemCall, "eventfd failed", errno: errno) }
    }

    /// Takes ownership of `descriptor` (closed in deinit).
    public init(adopting descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Adds one pending event and wakes a waiter (a full counter already wakes it).
    public func signal() {
        var one: UInt64 = 1
        while write(descriptor, &one, 8) < 0, errno == EINTR {}
    }

    /// Blocks until at least one event is pending, consumes them all and returns how many there were.
    @discardableResult
    public func wait() -> UInt64 {
        while true {
            if let count = take() { return count }
            guard cvtpm_wait_readable(descriptor, -1, -1) >= 0 || errno == EINTR else { return 0 }
        }
    }

    /// Like ``wait()``, giving up after `milliseconds` (nil: no event by then).
    public func wait(milliseconds: Int32) -> UInt64? {
        if let count = take() { return count }
        let ready = cvtpm_wait_readable(descriptor, -1, milliseconds)
        guard ready > 0 else { return nil }
        return take()
    }

    /// The pending count, consumed; nil if none is pending.
    private func take() -> UInt64? {
        var count: UInt64 = 0
        while true {
            if read(descriptor, &count, 8) == 8 { return count }
            guard errno == EINTR else { return nil }
        }
    }
}
