// SPDX-License-Identifier: Apache-2.0

/// The result word that starts a control-channel reply: a TPM 1.2 return code, as swtpm uses them
/// (libtpms tpm_error.h).
struct SwtpmResult: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt32
    init(rawValue: UInt32) { self.rawValue = rawValue }

    var description: String {
        let names: [Self: String] = [
            .success: "TPM_SUCCESS", .badParameter: "TPM_BAD_PARAMETER", .fail: "TPM_FAIL",
            .badOrdinal: "TPM_BAD_ORDINAL", .size: "TPM_SIZE", .ioError: "TPM_IOERROR",
            .badLocality: "TPM_BAD_LOCALITY",
        ]
        return names[self] ?? "0x" + String(rawValue, radix: 16)
    }

    static let success = Self(rawValue: 0)
    /// A request whose length does not fit its command.
    static let badParameter = Self(rawValue: 3)
    static let fail = Self(rawValue: 9)
    /// An unknown or unsupported command, or one that is not allowed in the TPM's current state.
    static let badOrdinal = Self(rawValue: 10)
    static let size = Self(rawValue: 23)
    static let ioError = Self(rawValue: 31)
    static let badLocality = Self(rawValue: 61)
}

/// The `PTM_CAP_*` bitmap CMD_GET_CAPABILITY reports. Clients probe it before using a verb (QEMU does), so
/// it lists exactly the verbs we implement.
struct SwtpmCapabilities: OptionSet, Hashable, Sendable {
    var rawValue: UInt64
    init(rawValue: UInt64) { self.rawValue = rawValue }

    static let initialize = Self(rawValue: 1 << 0)
    static let shutdown = Self(rawValue: 1 << 1)
    static let getEstablished = Self(rawValue: 1 << 2)
    static let setLocality = Self(rawValue: 1 << 3)
    static let hashing = Self(rawValue: 1 << 4)
    static let cancelCommand = Self(rawValue: 1 << 5)
    static let storeVolatile = Self(rawValue: 1 << 6)
    static let resetEstablished = Self(rawValue: 1 << 7)
    static let getStateBlob = Self(rawValue: 1 << 8)
    static let setStateBlob = Self(rawValue: 1 << 9)
    static let stop = Self(rawValue: 1 << 10)
    static let getConfig = Self(rawValue: 1 << 11)
    static let setDataFD = Self(rawValue: 1 << 12)
    static let setBufferSize = Self(rawValue: 1 << 13)
    static let getInfo = Self(rawValue: 1 << 14)
    /// The data channel accepts the optional mssim-style command prefix.
    static let sendCommandHeader = Self(rawValue: 1 << 15)

    /// What this server implements. The later-stage verbs (hashing, state blobs, volatile store, data fd,
    /// info) join as they are implemented.
    static let served: Self = [
        .initialize, .shutdown, .getEstablished, .setLocality, .cancelCommand, .resetEstablished, .stop,
        .getConfig, .setBufferSize, .sendCommandHeader,
    ]
}

/// CMD_SET_BUFFERSIZE's limits: swtpm 0.7.1 with libtpms 0.9 reports a minimum of 2808 bytes (libtpms'
/// sizeof(TPMS_CONTEXT) + 128) and a maximum and default of 4096 (the TIS buffer, and our engine's
/// MAX_COMMAND_SIZE).
enum SwtpmBufferSize {
    static let minimum: UInt32 = 2808
    static let maximum: UInt32 = 4096

    /// The size a request for `requested` bytes results in.
    static func clamped(_ requested: UInt32) -> UInt32 {
        min(max(requested, minimum), maximum)
    }
}
