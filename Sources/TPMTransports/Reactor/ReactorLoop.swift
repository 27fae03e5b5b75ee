// SPDX-License-Identifier: Apache-2.0

import Logging

/// One event-loop thread of the reactor: an epoll instance, its doorbell, the listeners and connections
/// registered with it, and their timers.
///
/// Created and run on its own thread and never touched by another, so it needs no locks; the only
/// cross-thread signal is ``ReactorLoopControl`` (an atomic flag plus the doorbell). A value, not an
/// object: ``run()`` owns it and lends it `inout` to the handler of each event, so every access to the
/// loop's tables is checked for exclusivity at compile time rather than on every access at run time.
struct ReactorLoop: ~Copyable {
    /// A registration's epoll token: the descriptor number in the low half, the slot's generation in the
    /// high half, so that an event for a descriptor closed earlier in the same batch is recognized as stale.
    private struct Slot {
        var generation: UInt32 = 0
        var handler: (any ReactorHandler)?
    }

    private static let doorbellToken = UInt64.max

    let logger: Logger
    let counters: ReactorCounters
    /// The connections of every loop that have a thread of their own.
    let threads: ConnectionThreads
    /// This loop's thread-safe side, where connections come back from their own threads.
    let control: ReactorLoopControl
    private let epoll: Epoll
    private var slots: [Slot] = []
    private var timers = DeadlineHeap()
    private var nextSequence: UInt64 = 0
    /// Input buffers of closed connections, reused by the next ones (tpm2-tss connects once per command).
    private var spareBuffers: [InputBuffer] = []

    init(
        epoll: Epoll, control: ReactorLoopControl, counters: ReactorCounters, threads: ConnectionThreads,
        logger: Logger
    ) {
        self.epoll = epoll
        self.control = control
        self.counters = counters
        self.threads = threads
        self.logger = logger
    }

    /// Serves until ``ReactorLoopControl/requestStop()``; then closes every listener, then every connection.
    mutating func run() {
        var running = true
        do throws(TransportError) {
            try epoll.add(control.doorbell.descriptor, .readable, token: Self.doorbellToken)
        } catch {
            logger.debug("reactor loop cannot watch its doorbell; stopping", metadata: ["error": "\(error)"])
            running = false
        }
        var batch = EpollBatch()
        while running && !control.isStopRequested {
            epoll.wait(into: &batch, timeout: timeoutMilliseconds())
            for index in 0..<batch.count {
                let (events, token) = batch[index]
                if token == Self.doorbellToken {
                    control.doorbell.silence()
                    running = !control.isStopRequested
                    for returning in control.takeReturned() {
                        ReactorConnection.adopt(returning, loop: &self)
                    }
                } else {
                    handler(for: token)?.handle(events, loop: &self)
                }
            }
            if !timers.isEmpty { fireDueTimers() }
        }
        closeEverything()
        epoll.close()
    }

    // MARK: - Registration

    /// Registers `handler` for `events`; returns its token.
    @discardableResult
    mutating func register(_ handler: any ReactorHandler, for events: EpollEvents) throws(TransportError) -> UInt64 {
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

    /// Changes what the registration of `descriptor` with `token` waits for.
    func setInterest(_ descriptor: Descriptor, token: UInt64, _ events: EpollEvents) throws(TransportError) {
        try epoll.modify(descriptor, events, token: token)
    }

    /// Takes `handler` out of the epoll set and forgets it, leaving its descriptor open (it moves to a thread).
    mutating func detach(_ handler: any ReactorHandler) {
        epoll.remove(handler.descriptor)
        unregister(handler)
    }

    /// Forgets `handler` before its descriptor is closed (closing removes it from epoll).
    mutating func unregister(_ handler: any ReactorHandler) {
        let number = Int(handler.descriptor.rawValue)
        guard number < slots.count, slots[number].handler === handler else { return }
        slots[number].handler = nil
    }

    // MARK: - Timers

    /// Arms a timer for the handler with `token`; returns its sequence number, which the handler keeps to
    /// recognize it (or forgets to cancel it).
    mutating func arm(after delay: Duration, token: UInt64) -> UInt64 {
        nextSequence += 1
        let deadline = MonotonicClock.now() &+ MonotonicClock.nanoseconds(delay)
        timers.insert(DeadlineHeap.Entry(deadline: deadline, token: token, sequence: nextSequence))
        return nextSequence
    }

    // MARK: - Input buffers

    mutating func takeBuffer(capacity: Int) -> InputBuffer {
        if let index = spareBuffers.lastIndex(where: { $0.capacity == capacity }) {
            return spareBuffers.remove(at: index)
        }
        return InputBuffer(capacity: capacity)
    }

    mutating func recycle(_ buffer: InputBuffer) {
        guard spareBuffers.count < 64 else { return }
        var buffer = buffer
        buffer.moveReaderIndex(to: buffer.writerIndex)
        buffer.discardReadBytes()
        spareBuffers.append(buffer)
    }

    // MARK: - Private

    private func handler(for token: UInt64) -> (any ReactorHandler)? {
        let number = Int(truncatingIfNeeded: token & 0xFFFF_FFFF)
        guard number < slots.count, UInt64(slots[number].generation) == token >> 32 else { return nil }
        return slots[number].handler
    }

    /// -1 (wait for ever) without timers; otherwise the milliseconds to the earliest, rounded up so that the
    /// wait never ends just before it.
    private func timeoutMilliseconds() -> Int32 {
        guard !timers.isEmpty, let earliest = timers.earliest else { return -1 }
        let now = MonotonicClock.now()
        guard earliest > now else { return 0 }
        return Int32(clamping: (earliest - now + 999_999) / 1_000_000)
    }

    private mutating func fireDueTimers() {
        let now = MonotonicClock.now()
        while let entry = timers.popDue(at: now) {
            handler(for: entry.token)?.timerExpired(entry.sequence, loop: &self)
        }
    }

    private mutating func closeEverything() {
        let handlers = slots.compactMap(\.handler)
        for handler in handlers where handler.isListener { handler.close(loop: &self) }
        for handler in handlers where !handler.isListener { handler.close(loop: &self) }
        slots = []
        for returning in control.closeReturns() { returning.close(counting: counters) }
    }
}
