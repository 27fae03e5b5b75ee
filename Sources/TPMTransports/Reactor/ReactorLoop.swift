// SPDX-License-Identifier: Apache-2.0

import Logging

/// One event-loop thread of the reactor: an epoll instance, its doorbell, the listeners and connections
/// registered with it, and their timers.
///
/// Created and run on its own thread and never touched by another, so it needs no locks; the only
/// cross-thread signal is ``ReactorLoopControl`` (an atomic flag plus the doorbell).
final class ReactorLoop {
    /// A registration's epoll token: the descriptor number in the low half, the slot's generation in the
    /// high half, so that an event for a descriptor closed earlier in the same batch is recognized as stale.
    private struct Slot {
        var generation: UInt32 = 0
        var handler: (any ReactorHandler)?
    }

    private static let doorbellToken = UInt64.max

    let logger: Logger
    let counters: ReactorCounters
    private let epoll: Epoll
    private let control: ReactorLoopControl
    private var batch = EpollBatch()
    private var slots: [Slot] = []
    private var timers = DeadlineHeap()
    private var nextSequence: UInt64 = 0
    private var running = true
    /// Input buffers of closed connections, reused by the next ones (tpm2-tss connects once per command).
    private var spareBuffers: [InputBuffer] = []
    private let clock = ContinuousClock()

    init(epoll: Epoll, control: ReactorLoopControl, counters: ReactorCounters, logger: Logger) {
        self.epoll = epoll
        self.control = control
        self.counters = counters
        self.logger = logger
    }

    /// Serves until ``ReactorLoopControl/requestStop()``; then closes every listener, then every connection.
    func run() {
        do throws(TransportError) {
            try epoll.add(control.doorbell.descriptor, .readable, token: Self.doorbellToken)
        } catch {
            logger.debug("reactor loop cannot watch its doorbell; stopping", metadata: ["error": "\(error)"])
            running = false
        }
        while running && !control.isStopRequested {
            epoll.wait(into: &batch, timeout: timeoutMilliseconds())
            for index in 0..<batch.count {
                let (events, token) = batch[index]
                dispatch(events, token: token)
            }
            if !timers.isEmpty { fireDueTimers() }
        }
        closeEverything()
        epoll.close()
    }

    // MARK: - Registration

    /// Registers `handler` for `events`; returns its token.
    @discardableResult
    func register(_ handler: any ReactorHandler, for events: EpollEvents) throws(TransportError) -> UInt64 {
        let number = Int(handler.descriptor.rawValue)
        if number >= slots.count {
            slots += repeatElement(Slot(), count: number + 1 - slots.count)
        }
        slots[number].generation &+= 1
        let token = UInt64(slots[number].generation) << 32 | UInt64(number)
        try epoll.add(handler.descriptor, events, token: token)
        slots[number].handler = handler
        return token
    }

    /// Changes what `handler` waits for.
    func setInterest(_ handler: any ReactorHandler, token: UInt64, _ events: EpollEvents) throws(TransportError) {
        try epoll.modify(handler.descriptor, events, token: token)
    }

    /// Forgets `handler` before its descriptor is closed (closing removes it from epoll).
    func unregister(_ handler: any ReactorHandler) {
        let number = Int(handler.descriptor.rawValue)
        guard number < slots.count, slots[number].handler === handler else { return }
        slots[number].handler = nil
    }

    // MARK: - Timers

    /// Arms a timer for the handler with `token`; returns its sequence number, which the handler keeps to
    /// recognize it (or forgets to cancel it).
    func arm(after delay: Duration, token: UInt64) -> UInt64 {
        nextSequence += 1
        timers.insert(DeadlineHeap.Entry(deadline: clock.now + delay, token: token, sequence: nextSequence))
        return nextSequence
    }

    // MARK: - Input buffers

    func takeBuffer(capacity: Int) -> InputBuffer {
        if let index = spareBuffers.lastIndex(where: { $0.capacity == capacity }) {
            return spareBuffers.remove(at: index)
        }
        return InputBuffer(capacity: capacity)
    }

    func recycle(_ buffer: InputBuffer) {
        guard spareBuffers.count < 64 else { return }
        var buffer = buffer
        buffer.moveReaderIndex(to: buffer.writerIndex)
        buffer.discardReadBytes()
        spareBuffers.append(buffer)
    }

    // MARK: - Private

    private func dispatch(_ events: EpollEvents, token: UInt64) {
        if token == Self.doorbellToken {
            control.doorbell.silence()
            running = !control.isStopRequested
            return
        }
        handler(for: token)?.handle(events, loop: self)
    }

    private func handler(for token: UInt64) -> (any ReactorHandler)? {
        let number = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
        guard number < slots.count, UInt64(slots[number].generation) == token >> 32 else { return nil }
        return slots[number].handler
    }

    /// -1 (wait for ever) without timers; otherwise the milliseconds to the earliest, rounded up so that the
    /// wait never ends just before it.
    private func timeoutMilliseconds() -> Int32 {
        guard let earliest = timers.earliest else { return -1 }
        let remaining = clock.now.duration(to: earliest)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    private func fireDueTimers() {
        let now = clock.now
        while let entry = timers.popDue(at: now) {
            handler(for: entry.token)?.timerExpired(entry.sequence, loop: self)
        }
    }

    private func closeEverything() {
        let handlers = slots.compactMap(\.handler)
        for handler in handlers where handler.isListener { handler.close(loop: self) }
        for handler in handlers where !handler.isListener { handler.close(loop: self) }
        slots = []
    }
}
