// SPDX-License-Identifier: Apache-2.0

import Synchronization
import TPMCrypto
import TPMEngine

#if canImport(Glibc)
import Glibc
#endif

/// The platform of one instance: system clock and RNG, plus the signals a host raises (physical
/// presence, cancel). The transports set the signals while a command may be running, so they are atomics.
final class InstancePlatform: TPMPlatform {
    let entropySource: any EntropySource
    private let physicalPresence = Atomic<Bool>(false)
    private let cancel = Atomic<Bool>(false)

    init(entropySource: any EntropySource = SystemEntropySource()) {
        self.entropySource = entropySource
    }

    /// CLOCK_MONOTONIC in milliseconds: read once per command, so it is kept to plain integer arithmetic.
    func monotonicMilliseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1000 &+ UInt64(now.tv_nsec) / 1_000_000
    }

    var physicalPresenceAsserted: Bool { physicalPresence.load(ordering: .relaxed) }
    var cancelRequested: Bool { cancel.load(ordering: .relaxed) }

    func setPhysicalPresence(_ asserted: Bool) { physicalPresence.store(asserted, ordering: .relaxed) }
    func setCancel(_ requested: Bool) { cancel.store(requested, ordering: .relaxed) }
}
