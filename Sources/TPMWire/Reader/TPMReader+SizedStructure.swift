// SPDX-License-Identifier: Apache-2.0

extension TPMReader {
    /// Reads a sized structure (TPM2B_PUBLIC, TPM2B_ECC_POINT, TPM2B_SENSITIVE_CREATE ...) that must not be
    /// empty: a size of 0 throws ``TPMRC/size``.
    ///
    /// The codes follow the reference implementation: the inner value is read from the stream and only then
    /// compared with the size field, so a size that disagrees with the value throws ``TPMRC/size`` whichever
    /// way it is wrong (a bounded sub-reader would answer TPM_RC_INSUFFICIENT for a size that is too small).
    /// swtpm gives TPM_RC_SIZE in both cases, and the engine's response codes must match it.
    mutating func readNonEmptySizedStructure<T>(_ body: (inout TPMReader) throws(TPMRC) -> T) throws(TPMRC) -> T {
        let size = Int(try readInteger(as: UInt16.self))
        guard size != 0 else { throw .size }
        return try readSizedBody(size: size, body)
    }

    /// Like ``readNonEmptySizedStructure(_:)``, for the sized structures that may be empty (TPM2B_SENSITIVE
    /// in LoadExternal): size 0 returns nil.
    mutating func readOptionalSizedStructure<T>(_ body: (inout TPMReader) throws(TPMRC) -> T) throws(TPMRC) -> T? {
        let size = Int(try readInteger(as: UInt16.self))
        guard size != 0 else { return nil }
        return try readSizedBody(size: size, body)
    }

    private mutating func readSizedBody<T>(size: Int, _ body: (inout TPMReader) throws(TPMRC) -> T) throws(TPMRC) -> T {
        let start = index
        let value = try body(&self)
        guard index - start == size else { throw .size }
        return value
    }
}
