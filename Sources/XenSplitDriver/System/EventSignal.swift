// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

/// One eventfd: the wake-up half of an event channel. Whoever holds it may `signal`; the port's owner `wait`s.
/// Passing the descriptor to another process (SCM_RIGHTS) is what makes a notification cross processes.
///
/// Unsafe pointers appear only as the address of a local 8-byte counter handed to read(2)/write(2) with its
/// exact size.
public final class EventSignal: @unchecked Sendable {
    public let descriptor: Int32

    /// A new eventfd.
    public init() throws(XenError) {
        descriptor = cvtpm_blocking_eventfd()
        guard descriptor >= 0 else { throw XenError(.systemCall, "eventfd failed", errno: errno) }
    }

    /// Takes ownership of `descriptor` (closed in deinit).
    public init(adopting descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// A second descriptor for the same eventfd, to hand to another process.
    public func duplicateDescriptor() throws(XenError) -> Int32 {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw XenError(.systemCall, "dup of an eventfd failed", errno: errno) }
        return copy
    }

    /// Adds one pending event and wakes a waiter.
    public func signal() {
        var one: UInt64 = 1
        while write(descriptor, &one, 8) < 0, errno == EINTR {}
    }

    /// Blocks until at least one event is pending, consumes them all and returns how many there were.
    @discardableResult
    public func wait() -> UInt64 {
        var count: UInt64 = 0
        while read(descriptor, &count, 8) < 0 {
            guard errno == EINTR else { return 0 }
        }
        return count
    }

    /// Like ``wait()``, giving up after `milliseconds` (nil: no pending event by then).
    public func wait(milliseconds: Int32) -> UInt64? {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&request, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            return wait()
        }
    }

    /// Consumes pending events without blocking (events sent before a channel was bound are dropped, as Xen does).
    public func drain() {
        _ = wait(milliseconds: 0)
    }
}
