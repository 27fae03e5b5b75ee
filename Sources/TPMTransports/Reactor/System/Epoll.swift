// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

/// Readiness bits of an epoll registration or event (EPOLLIN ...).
struct EpollEvents: OptionSet, Hashable, Sendable {
    let rawValue: UInt32

    static let readable = EpollEvents(rawValue: UInt32(CVTPM_EPOLLIN))
    static let writable = EpollEvents(rawValue: UInt32(CVTPM_EPOLLOUT))
    static let error = EpollEvents(rawValue: UInt32(CVTPM_EPOLLERR))
    static let hangUp = EpollEvents(rawValue: UInt32(CVTPM_EPOLLHUP))
}

/// One epoll instance: level-triggered registrations, each carrying a 64-bit token, and a wait that
/// fills a reused batch. Level-triggered, so a handler may read once per event and still never miss data.
///
/// With ``Descriptor``, the only code of the reactor that uses unsafe pointers: `wait` hands the kernel the
/// batch array's own buffer with its own count, and the C wrapper copies at most that many events into it.
struct Epoll: Sendable {
    let descriptor: Descriptor

    static func create() throws(TransportError) -> Epoll {
        let raw = cvtpm_epoll_create()
        guard raw >= 0 else { throw Descriptor.error(.ioFailed, "epoll_create1()") }
        return Epoll(descriptor: Descriptor(rawValue: raw))
    }

    func add(_ target: Descriptor, _ events: EpollEvents, token: UInt64) throws(TransportError) {
        guard cvtpm_epoll_add(descriptor.rawValue, target.rawValue, events.rawValue, token) == 0 else {
            throw Descriptor.error(.ioFailed, "epoll_ctl(ADD)")
        }
    }

    func modify(_ target: Descriptor, _ events: EpollEvents, token: UInt64) throws(TransportError) {
        guard cvtpm_epoll_modify(descriptor.rawValue, target.rawValue, events.rawValue, token) == 0 else {
            throw Descriptor.error(.ioFailed, "epoll_ctl(MOD)")
        }
    }

    /// Takes `target` out of the set (before it moves to a thread of its own; closing removes it too).
    func remove(_ target: Descriptor) {
        _ = cvtpm_epoll_remove(descriptor.rawValue, target.rawValue)
    }

    /// Waits up to `timeout` milliseconds (-1: no limit) and fills `batch`; an interrupted wait is an empty one.
    func wait(into batch: inout EpollBatch, timeout: Int32) {
        let count = batch.events.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            return cvtpm_epoll_wait(descriptor.rawValue, base, Int32(buffer.count), timeout)
        }
        batch.count = max(0, Int(count))
    }

    func close() { descriptor.close() }
}

/// The events one ``Epoll/wait(into:timeout:)`` returned; allocated once per loop.
struct EpollBatch {
    fileprivate var events = [cvtpm_event](repeating: cvtpm_event(), count: Int(CVTPM_EVENT_BATCH))
    fileprivate(set) var count = 0

    subscript(index: Int) -> (events: EpollEvents, token: UInt64) {
        let event = events[index]
        return (EpollEvents(rawValue: event.events), event.token)
    }
}

/// A non-blocking eventfd: rung from any thread to wake a loop out of its wait.
struct Doorbell: Sendable {
    let descriptor: Descriptor

    static func create() throws(TransportError) -> Doorbell {
        let raw = cvtpm_eventfd()
        guard raw >= 0 else { throw Descriptor.error(.ioFailed, "eventfd()") }
        return Doorbell(descriptor: Descriptor(rawValue: raw))
    }

    /// Adds 1 to the counter, which makes the descriptor readable.
    func ring() {
        var one: UInt64 = 1
        _ = Glibc.write(descriptor.rawValue, &one, MemoryLayout<UInt64>.size)
    }

    /// Resets the counter, so that the descriptor stops being readable.
    func silence() {
        var value: UInt64 = 0
        _ = Glibc.read(descriptor.rawValue, &value, MemoryLayout<UInt64>.size)
    }

    func close() { descriptor.close() }
}
