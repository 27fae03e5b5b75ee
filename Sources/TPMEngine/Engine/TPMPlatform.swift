// SPDX-License-Identifier: Apache-2.0

import TPMCrypto

/// What the engine needs from the machine it runs on (ms-tpm's `_plat__` functions), and nothing more.
///
/// The engine never touches files, sockets or threads: the manager gives it a platform, reads its
/// durable state after each command and stores it.
public protocol TPMPlatform: Sendable {
    /// A monotonic millisecond counter with an arbitrary epoch; drives Time and Clock.
    func monotonicMilliseconds() -> UInt64
    /// Fresh entropy for the DRBG.
    var entropySource: any EntropySource { get }
    /// True while physical presence is asserted (mssim TPM_SIGNAL_PHYS_PRES_ON).
    var physicalPresenceAsserted: Bool { get }
    /// True while the host asks to cancel the running command (TPM_SIGNAL_CANCEL_ON).
    var cancelRequested: Bool { get }
    /// RSA keys generated ahead of time, so that TPM2_Create of an RSA key does not wait on a prime search;
    /// nil to generate every key when asked.
    var rsaKeyPool: RSAPrimePool? { get }
}

extension TPMPlatform {
    public var rsaKeyPool: RSAPrimePool? { nil }
}

/// The platform a daemon instance uses: the system clock and RNG, no physical presence.
public struct SystemPlatform: TPMPlatform {
    public let entropySource: any EntropySource

    public init(entropySource: any EntropySource = SystemEntropySource()) {
        self.entropySource = entropySource
    }

    public func monotonicMilliseconds() -> UInt64 {
        ContinuousClock.now.millisecondsSinceReference
    }

    public var physicalPresenceAsserted: Bool { false }
    public var cancelRequested: Bool { false }
    /// One pool per process: every instance of a daemon draws from it.
    public var rsaKeyPool: RSAPrimePool? { RSAPrimePool.shared }
}

extension ContinuousClock.Instant {
    private static let reference = ContinuousClock.now

    /// Milliseconds since the first time this process read the clock.
    public var millisecondsSinceReference: UInt64 {
        let elapsed = Self.reference.duration(to: self).components
        return UInt64(max(0, elapsed.seconds)) * 1000 + UInt64(max(0, elapsed.attoseconds)) / 1_000_000_000_000_000
    }
}
