// SPDX-License-Identifier: Apache-2.0

import Synchronization
import TPMCrypto
import TPMEngine

/// The platform of one instance: system clock and RNG, plus the signals a host raises (physical
/// presence, cancel). The transports set the signals while a command may be running, so they are atomics.
final class InstancePlatform: TPMPlatform {
    let entropySource: any EntropySource
    private let physicalPresence = Atomic<Bool>(false)
    private let cancel = Atomic<Bool>(false)

    init(entropySource: any EntropySource = SystemEntropySource()) {
        self.entropySource = entropySource
    }

    func monotonicMilliseconds() -> UInt64 {
        ContinuousClock.now.millisecondsSinceReference
    }

    var physicalPresenceAsserted: Bool { physicalPresence.load(ordering: .relaxed) }
    var cancelRequested: Bool { cancel.load(ordering: .relaxed) }

    func setPhysicalPresence(_ asserted: Bool) { physicalPresence.store(asserted, ordering: .relaxed) }
    func setCancel(_ requested: Bool) { cancel.store(requested, ordering: .relaxed) }
}
