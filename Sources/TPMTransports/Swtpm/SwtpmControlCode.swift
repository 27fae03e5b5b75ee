// SPDX-License-Identifier: Apache-2.0

/// A command code of the swtpm control channel (`CMD_*` in swtpm's tpm_ioctl.h, sent as a big-endian u32).
struct SwtpmControlCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt32
    init(rawValue: UInt32) { self.rawValue = rawValue }

    static let getCapability = Self(rawValue: 0x01)
    static let initialize = Self(rawValue: 0x02)
    static let shutdown = Self(rawValue: 0x03)
    static let getEstablished = Self(rawValue: 0x04)
    static let setLocality = Self(rawValue: 0x05)
    static let hashStart = Self(rawValue: 0x06)
    static let hashData = Self(rawValue: 0x07)
    static let hashEnd = Self(rawValue: 0x08)
    static let cancelCommand = Self(rawValue: 0x09)
    static let storeVolatile = Self(rawValue: 0x0A)
    static let resetEstablished = Self(rawValue: 0x0B)
    static let getStateBlob = Self(rawValue: 0x0C)
    static let setStateBlob = Self(rawValue: 0x0D)
    static let stop = Self(rawValue: 0x0E)
    static let getConfig = Self(rawValue: 0x0F)
    static let setDataFD = Self(rawValue: 0x10)
    static let setBufferSize = Self(rawValue: 0x11)
    static let getInfo = Self(rawValue: 0x12)
    /// Added after swtpm 0.7 (u32 retries); unknown to 0.7.1, and to us.
    static let lockStorage = Self(rawValue: 0x13)

    /// Whether swtpm refuses this verb (TPM_BAD_ORDINAL) while the TPM is not running, before it looks at
    /// the request's length.
    var requiresRunning: Bool {
        [.getEstablished, .resetEstablished, .cancelCommand].contains(self)
    }

    var description: String {
        let names: [Self: String] = [
            .getCapability: "CMD_GET_CAPABILITY", .initialize: "CMD_INIT", .shutdown: "CMD_SHUTDOWN",
            .getEstablished: "CMD_GET_TPMESTABLISHED", .setLocality: "CMD_SET_LOCALITY",
            .hashStart: "CMD_HASH_START", .hashData: "CMD_HASH_DATA", .hashEnd: "CMD_HASH_END",
            .cancelCommand: "CMD_CANCEL_TPM_CMD", .storeVolatile: "CMD_STORE_VOLATILE",
            .resetEstablished: "CMD_RESET_TPMESTABLISHED", .getStateBlob: "CMD_GET_STATEBLOB",
            .setStateBlob: "CMD_SET_STATEBLOB", .stop: "CMD_STOP", .getConfig: "CMD_GET_CONFIG",
            .setDataFD: "CMD_SET_DATAFD", .setBufferSize: "CMD_SET_BUFFERSIZE", .getInfo: "CMD_GET_INFO",
        ]
        return names[self] ?? "0x" + String(rawValue, radix: 16)
    }
}
