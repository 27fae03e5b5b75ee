// SPDX-License-Identifier: Apache-2.0

import VTPMManager

/// The manager's own control messages, addressed to instance 0 (VTPM_CTL_DM, which is never handed to a VM) with
/// the vTPM manager's tag 0x01C1, in the framing of Xen's manager console (big-endian): instance u32, tag u16,
/// size u32 (tag to end), ordinal u32, parameters. Replies echo the instance and tag, then size, status u32 and
/// the output.
public enum ManagerControl {
    public static let tag: UInt16 = 0x01C1
    /// Ours, in the privileged range (VTPM_PRIV_MASK 0x01000000): instance u32 → commands u64, refused u64.
    public static let countersOrdinal: UInt32 = 0x0100_0080
    /// VTPM return codes.
    public static let success: UInt32 = 0
    public static let unsupported: UInt32 = 2
    public static let invalidRequest: UInt32 = 5

    /// Whether `packet` is a control message rather than a TPM command.
    public static func isControl(_ packet: [UInt8]) -> Bool {
        packet.count >= 6 && packet[0..<4].allSatisfy { $0 == 0 } && packet[4] == 0x01 && packet[5] == 0xC1
    }

    /// A counters request for `instance`.
    public static func countersRequest(_ instance: InstanceID) -> [UInt8] {
        [0, 0, 0, 0] + bytes(tag) + bytes(UInt32(14)) + bytes(countersOrdinal) + bytes(instance.rawValue)
    }

    /// Decodes a counters reply; nil if it is not one or reports a failure.
    public static func counters(fromReply reply: [UInt8]) -> ManagerDevice.Counters? {
        guard reply.count == 30, integer(reply, 10, UInt32.self) == success else { return nil }
        return ManagerDevice.Counters(
            commands: integer(reply, 14, UInt64.self), refused: integer(reply, 22, UInt64.self))
    }

    /// Answers a control message.
    static func answer(_ packet: [UInt8], device: ManagerDevice) -> [UInt8] {
        let ordinal = packet.count >= 14 ? integer(packet, 10, UInt32.self) : 0
        guard ordinal == countersOrdinal else {
            return reply(status: packet.count >= 14 ? unsupported : invalidRequest)
        }
        guard packet.count == 18 else { return reply(status: invalidRequest) }
        let counters = device.counters(of: InstanceID(integer(packet, 14, UInt32.self)))
        return reply(status: success, output: bytes(counters.commands) + bytes(counters.refused))
    }

    private static func reply(status: UInt32, output: [UInt8] = []) -> [UInt8] {
        [0, 0, 0, 0] + bytes(tag) + bytes(UInt32(10 + output.count)) + bytes(status) + output
    }

    private static func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    private static func integer<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, _: T.Type) -> T {
        bytes[offset..<(offset + MemoryLayout<T>.size)].reduce(T.zero) { $0 << 8 | T($1) }
    }
}
