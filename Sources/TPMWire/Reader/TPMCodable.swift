// SPDX-License-Identifier: Apache-2.0

/// A value that can be written in the TPM's canonical form. Marshalling cannot fail: every limit is
/// checked when a value is built or unmarshalled.
public protocol TPMMarshal {
    func marshal(into writer: inout TPMWriter)
}

/// A value that can be read from the TPM's canonical form, validating as the spec's unmarshal does.
public protocol TPMUnmarshal {
    init(unmarshalling reader: inout TPMReader) throws(TPMRC)
}

public typealias TPMCodable = TPMMarshal & TPMUnmarshal

// Performance note: the generic building blocks of every command's encoding (integer, constant, attribute,
// TPM2B and TPML codecs, and the reader/writer primitives under them) are `@inlinable`. Without that, the
// engine calls them unspecialized across the module boundary, and profiling showed generic metadata lookups
// and reference counting in them as the largest cost of small commands. Structure-specific code is not
// inlinable.

extension TPMMarshal {
    /// The canonical bytes of this value.
    public func marshalled() -> [UInt8] {
        var writer = TPMWriter()
        marshal(into: &writer)
        return writer.bytes
    }
}

extension TPMUnmarshal {
    /// Decodes a value that must occupy `bytes` exactly; leftover bytes throw ``TPMRC/size``.
    public init(unmarshalling bytes: [UInt8]) throws(TPMRC) {
        var reader = TPMReader(bytes)
        self = try Self(unmarshalling: &reader)
        guard reader.isAtEnd else { throw .size }
    }
}

// MARK: - Integers

extension UInt8: TPMCodable {
    @inlinable
    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(self) }
    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) { self = try reader.readInteger() }
}

extension UInt16: TPMCodable {
    @inlinable
    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(self) }
    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) { self = try reader.readInteger() }
}

extension UInt32: TPMCodable {
    @inlinable
    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(self) }
    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) { self = try reader.readInteger() }
}

extension UInt64: TPMCodable {
    @inlinable
    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(self) }
    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) { self = try reader.readInteger() }
}

/// TPMI_YES_NO — Part 2, 9.2: a byte that must be 0 or 1.
extension Bool: TPMCodable {
    @inlinable
    public func marshal(into writer: inout TPMWriter) { writer.writeInteger(UInt8(self ? 1 : 0)) }
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try reader.readInteger(as: UInt8.self) {
        case 0: self = false
        case 1: self = true
        default: throw .value
        }
    }
}
