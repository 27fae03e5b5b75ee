// SPDX-License-Identifier: Apache-2.0

/// TPMS_ECC_POINT — Part 2, 11.2.5.2: affine coordinates of a point (the `unique` of an ECC key).
public struct TPMSECCPoint: TPMCodable, Hashable, Sendable {
    public var x: TPM2BECCParameter
    public var y: TPM2BECCParameter

    public init(x: TPM2BECCParameter, y: TPM2BECCParameter) {
        self.x = x
        self.y = y
    }

    /// The point with both coordinates empty, as key templates carry it.
    public static let empty = TPMSECCPoint(x: .empty, y: .empty)

    public func marshal(into writer: inout TPMWriter) {
        x.marshal(into: &writer)
        y.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        x = try TPM2BECCParameter(unmarshalling: &reader)
        y = try TPM2BECCParameter(unmarshalling: &reader)
    }
}

/// TPM2B_ECC_POINT — Part 2, 11.2.5.3: a TPMS_ECC_POINT behind a u16 size.
///
/// Size 0 is rejected with ``TPMRC/size``, as libtpms does for every input that carries one (ECDH_ZGen,
/// ZGen_2Phase). Even a point with two empty coordinates has size 4, so an empty buffer is never a
/// meaningful point. The point must end exactly at the size (``TPMRC/size`` otherwise).
public struct TPM2BECCPoint: TPMCodable, Hashable, Sendable {
    public var point: TPMSECCPoint

    public init(_ point: TPMSECCPoint) {
        self.point = point
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeSized { point.marshal(into: &$0) }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        point = try reader.readNonEmptySizedStructure { reader throws(TPMRC) in
            try TPMSECCPoint(unmarshalling: &reader)
        }
    }
}
