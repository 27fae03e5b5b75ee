// SPDX-License-Identifier: Apache-2.0

import Synchronization
import TPMWire

/// The vTPM manager's `/dev/vtpm` endpoint: one entry point for every domain's packets, each a 4-byte big-endian
/// instance number followed by a TPM command, each answer the same number followed by the TPM's response.
///
/// The backend puts the number in front (from xenstore, never from the guest); this type only routes and
/// counts, so that tests and operators can see what reached which instance. A packet for an instance that is
/// not open, or too short to carry a prefix, is answered with TPM_RC_FAILURE at once (the 2006 manager dropped
/// it and let the backend time out after 30 s).
public final class ManagerDevice: Sendable {
    /// What arrived for one instance.
    public struct Counters: Hashable, Sendable {
        /// Packets routed to the instance's TPM.
        public var commands: UInt64 = 0
        /// Packets for the instance that no TPM answered (instance not open, or powered off).
        public var refused: UInt64 = 0

        public init(commands: UInt64 = 0, refused: UInt64 = 0) {
            self.commands = commands
            self.refused = refused
        }
    }

    public static let prefixSize = 4

    public let manager: InstanceManager
    private let counters = Mutex<[InstanceID: Counters]>([:])

    public init(manager: InstanceManager) { self.manager = manager }

    /// Routes one packet and returns the prefixed answer.
    public func handle(_ packet: [UInt8]) -> [UInt8] {
        guard packet.count >= Self.prefixSize else {
            return [0xFF, 0xFF, 0xFF, 0xFF] + ResponseHeader.errorResponse(.failure)
        }
        let id = InstanceID(packet[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
        let response = manager.instance(id)?.execute(Array(packet[Self.prefixSize...]))
        counters.withLock { counters in
            if response == nil {
                counters[id, default: Counters()].refused += 1
            } else {
                counters[id, default: Counters()].commands += 1
            }
        }
        return Array(packet[0..<4]) + (response ?? ResponseHeader.errorResponse(.failure))
    }

    /// The counters of instance `id` (zero if nothing arrived for it).
    public func counters(of id: InstanceID) -> Counters {
        counters.withLock { $0[id] ?? Counters() }
    }
}
