// SPDX-License-Identifier: Apache-2.0

/// TPMS_CLOCK_INFO — Part 2, 10.11.1.
public struct TPMSClockInfo: TPMCodable, Hashable, Sendable {
    /// Milliseconds the TPM has been powered since manufacture (or the last Clear).
    public var clock: UInt64
    /// TPM Resets since the last Clear.
    public var resetCount: UInt32
    /// TPM Restarts and Resumes since the last Reset or Clear.
    public var restartCount: UInt32
    /// False if `clock` may have been reported larger before (after a non-orderly shutdown).
    public var safe: Bool

    public init(clock: UInt64, resetCount: UInt32, restartCount: UInt32, safe: Bool) {
        self.clock = clock
        self.resetCount = resetCount
        self.restartCount = restartCount
        self.safe = safe
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeInteger(clock)
        writer.writeInteger(resetCount)
        writer.writeInteger(restartCount)
        safe.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        clock = try reader.readInteger()
        resetCount = try reader.readInteger()
        restartCount = try reader.readInteger()
        safe = try Bool(unmarshalling: &reader)
    }
}

/// TPMS_TIME_INFO — Part 2, 10.11.6.
public struct TPMSTimeInfo: TPMCodable, Hashable, Sendable {
    /// Milliseconds since the last TPM Reset or TPM Restart.
    public var time: UInt64
    public var clockInfo: TPMSClockInfo

    public init(time: UInt64, clockInfo: TPMSClockInfo) {
        self.time = time
        self.clockInfo = clockInfo
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeInteger(time)
        clockInfo.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        time = try reader.readInteger()
        clockInfo = try TPMSClockInfo(unmarshalling: &reader)
    }
}
