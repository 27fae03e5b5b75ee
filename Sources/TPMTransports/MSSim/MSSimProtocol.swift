// SPDX-License-Identifier: Apache-2.0

/// The wire vocabulary of the Microsoft TPM 2.0 simulator's two TCP ports (the protocol tpm2-tss's `mssim`
/// TCTI speaks). Every integer is a big-endian u32 unless noted. The values are the simulator's
/// (TpmTcpProtocol.h); the behaviour described on each is the reference server's.
enum MSSimProtocol {
    /// Message codes on the command port (P).
    enum Command {
        static let hashStart: UInt32 = 5
        static let hashData: UInt32 = 6
        static let hashEnd: UInt32 = 7
        /// u8 locality, u32 length, command → u32 length, response, u32 0.
        static let sendCommand: UInt32 = 8
        /// u32 client version → u32 server version, u32 endpoint flags, u32 0.
        static let remoteHandshake: UInt32 = 15
        static let setAlternativeResult: UInt32 = 16
        static let sessionEnd: UInt32 = 20
        static let stop: UInt32 = 21
    }

    /// Signals on the platform port (P+1): u32 signal → u32 result.
    enum Signal {
        static let powerOn: UInt32 = 1
        static let powerOff: UInt32 = 2
        static let physicalPresenceOn: UInt32 = 3
        static let physicalPresenceOff: UInt32 = 4
        static let cancelOn: UInt32 = 9
        static let cancelOff: UInt32 = 10
        static let nvOn: UInt32 = 11
        static let nvOff: UInt32 = 12
        static let keyCacheOn: UInt32 = 13
        static let keyCacheOff: UInt32 = 14
        static let reset: UInt32 = 17
        static let restart: UInt32 = 18
        static let sessionEnd: UInt32 = 20
        static let stop: UInt32 = 21
        static let getCommandResponseSizes: UInt32 = 25
        /// Followed by a u32 ACT handle; answered with u32 signaled, then u32 0.
        static let actGetSignaled: UInt32 = 26
        static let testFailureMode: UInt32 = 30
    }

    /// The server version the handshake reports (the reference's).
    static let serverVersion: UInt32 = 1

    /// TpmEndPointInfo bits of the handshake reply.
    enum EndpointFlags {
        static let platformAvailable: UInt32 = 0x01
        static let usesTBS: UInt32 = 0x02
        static let inRawMode: UInt32 = 0x04
        static let supportsPhysicalPresence: UInt32 = 0x08
        /// What we report: what the reference reports.
        static let served = inRawMode | platformAvailable | supportsPhysicalPresence
    }

    /// The largest length field the reference accepts for a command or hash data (its MAX_BUFFER); a
    /// larger one makes it drop the connection, and so do we.
    static let maximumLength = 1 << 20
}
