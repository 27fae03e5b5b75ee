// SPDX-License-Identifier: Apache-2.0

/// TPM_RC — Part 2, 6.6: a response code, and the error type of the wire format and the engine.
///
/// Format-1 codes (bit 7 set) can name the handle, parameter or session they concern; use
/// ``atHandle(_:)``, ``atParameter(_:)`` and ``atSession(_:)`` to add the number, and ``base`` to strip it.
public struct TPMRC: Error, RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    static let format1Bit: UInt32 = 0x080
    static let parameterBit: UInt32 = 0x040
    static let sessionBit: UInt32 = 0x800
    static let numberMask: UInt32 = 0xF00
    static let version1Bit: UInt32 = 0x100
    static let warningBits: UInt32 = 0x900

    /// True for format-1 codes, which carry a handle, parameter or session number.
    public var isFormat1: Bool { rawValue & Self.format1Bit != 0 }

    /// True for TPM 2.0 warnings (format 0, TPM_RC_WARN set), such as TPM_RC_RETRY or TPM_RC_REFERENCE_H0.
    public var isWarning: Bool { !isFormat1 && rawValue & 0xF00 == Self.warningBits }

    /// The code with any handle, parameter or session number removed.
    public var base: TPMRC {
        isFormat1 ? TPMRC(rawValue: rawValue & 0xBF) : self
    }

    var hasNumber: Bool { isFormat1 && rawValue & (Self.numberMask | Self.parameterBit) != 0 }

    /// This format-1 code tagged with handle `n` (1...7). Codes that are not format 1 or already carry a
    /// number are returned unchanged (ms-tpm's `RcSafeAddToResult`).
    public func atHandle(_ n: Int) -> TPMRC {
        guard isFormat1, !hasNumber, (1...7).contains(n) else { return self }
        return TPMRC(rawValue: rawValue | UInt32(n) << 8)
    }

    /// This format-1 code tagged with parameter `n` (1...15).
    public func atParameter(_ n: Int) -> TPMRC {
        guard isFormat1, !hasNumber, (1...15).contains(n) else { return self }
        return TPMRC(rawValue: rawValue | Self.parameterBit | UInt32(n) << 8)
    }

    /// This format-1 code tagged with session `n` (1...7).
    public func atSession(_ n: Int) -> TPMRC {
        guard isFormat1, !hasNumber, (1...7).contains(n) else { return self }
        return TPMRC(rawValue: rawValue | Self.sessionBit | UInt32(n) << 8)
    }

    /// The parameter number of a format-1 code, if it names one.
    public var parameterNumber: Int? {
        guard isFormat1, rawValue & Self.parameterBit != 0 else { return nil }
        return Int(rawValue >> 8 & 0xF)
    }

    /// The handle number of a format-1 code, if it names one.
    public var handleNumber: Int? {
        guard isFormat1, rawValue & (Self.parameterBit | Self.sessionBit) == 0, rawValue & Self.numberMask != 0
        else { return nil }
        return Int(rawValue >> 8 & 0x7)
    }

    /// The session number of a format-1 code, if it names one.
    public var sessionNumber: Int? {
        guard isFormat1, rawValue & Self.parameterBit == 0, rawValue & Self.sessionBit != 0 else { return nil }
        return Int(rawValue >> 8 & 0x7)
    }

    /// TPM_RC_REFERENCE_H0 + n: handle n refers to nothing loaded (a warning, so it has its own codes).
    public static func referenceHandle(_ n: Int) -> TPMRC {
        TPMRC(rawValue: TPMRC.referenceH0.rawValue + UInt32(n))
    }

    /// TPM_RC_REFERENCE_S0 + n: session n is not loaded.
    public static func referenceSession(_ n: Int) -> TPMRC {
        TPMRC(rawValue: TPMRC.referenceS0.rawValue + UInt32(n))
    }
}

extension TPMRC: CustomStringConvertible {
    /// The spec name with its number, e.g. `TPM_RC_VALUE (parameter 1) 0x1c4`.
    public var description: String {
        let name = Self.knownNames[base.rawValue] ?? "TPM_RC_UNKNOWN"
        let hex = "0x" + String(rawValue, radix: 16)
        if let n = parameterNumber { return "\(name) (parameter \(n)) \(hex)" }
        if let n = handleNumber { return "\(name) (handle \(n)) \(hex)" }
        if let n = sessionNumber { return "\(name) (session \(n)) \(hex)" }
        return "\(name) \(hex)"
    }
}
