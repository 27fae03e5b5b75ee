// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#endif

extension Descriptor {
    /// Turns O_NONBLOCK off (the connection gets a thread of its own) or back on (it returns to a loop).
    /// Returns false if the flags could not be changed.
    func setBlocking(_ blocking: Bool) -> Bool {
        let flags = fcntl(rawValue, F_GETFL)
        guard flags >= 0 else { return false }
        let wanted = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK
        return wanted == flags || fcntl(rawValue, F_SETFL, wanted) == 0
    }

    /// SO_RCVTIMEO: how long a blocking `recv` waits before it fails with EAGAIN (at least a microsecond: zero
    /// would mean for ever).
    func setReceiveTimeout(_ timeout: Duration) {
        setTimeout(Int32(SO_RCVTIMEO), timeout)
    }

    /// SO_SNDTIMEO: how long a blocking `send` waits for room before it returns what it sent so far.
    func setSendTimeout(_ timeout: Duration) {
        setTimeout(Int32(SO_SNDTIMEO), timeout)
    }

    /// shutdown(SHUT_RDWR): a thread blocked in `recv` on this descriptor wakes up and reads end of stream.
    /// The descriptor stays open; its owner still closes it.
    func shutdownBothDirections() {
        _ = Glibc.shutdown(rawValue, Int32(SHUT_RDWR))
    }

    private func setTimeout(_ name: Int32, _ timeout: Duration) {
        let microseconds = max(1, MonotonicClock.nanoseconds(timeout) / 1000)
        var value = timeval(tv_sec: Int(microseconds / 1_000_000), tv_usec: Int(microseconds % 1_000_000))
        _ = setsockopt(rawValue, SOL_SOCKET, name, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
