// SPDX-License-Identifier: Apache-2.0

/// Where a TPM instance draws fresh entropy (the platform's RNG, Part 1, 11.4.10).
public protocol EntropySource: Sendable {
    func entropy(count: Int) -> [UInt8]
}

/// The operating system's cryptographic RNG (getrandom(2) on Linux, through the standard library).
public struct SystemEntropySource: EntropySource {
    public init() {}

    public func entropy(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> shift))
            }
        }
        return Array(bytes.prefix(count))
    }
}

/// A fixed byte stream, for reproducible tests and fuzzing. Never used by the daemon.
public struct DeterministicEntropySource: EntropySource {
    let seed: UInt8

    public init(seed: UInt8 = 0x5A) { self.seed = seed }

    public func entropy(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }
}
