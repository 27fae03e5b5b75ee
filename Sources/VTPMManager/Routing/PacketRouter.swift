// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// The `/dev/vtpm` framing of the Xen split driver: each packet is a 4-byte big-endian instance number
/// followed by a TPM command, and each answer the same number followed by the response.
extension InstanceManager {
    /// Routes one packet. A packet too short to carry a prefix and a header, or addressed to an instance
    /// that is not open, is answered with TPM_RC_FAILURE so the frontend is never left waiting.
    public func route(packet: [UInt8]) -> [UInt8] {
        guard packet.count >= 4 else {
            return [0xFF, 0xFF, 0xFF, 0xFF] + ResponseHeader.errorResponse(.failure)
        }
        let prefix = Array(packet.prefix(4))
        let id = InstanceID(prefix.reduce(0) { $0 << 8 | UInt32($1) })
        guard let instance = instance(id), let response = instance.execute(Array(packet.dropFirst(4))) else {
            return prefix + ResponseHeader.errorResponse(.failure)
        }
        return prefix + response
    }
}
