// SPDX-License-Identifier: Apache-2.0

/// TPMS_ALG_PROPERTY — Part 2, 10.8.1.
public struct TPMSAlgProperty: TPMCodable, Hashable, Sendable {
    public var alg: TPMAlgID
    public var algProperties: TPMAAlgorithm

    public init(alg: TPMAlgID, algProperties: TPMAAlgorithm) {
        self.alg = alg
        self.algProperties = algProperties
    }

    public func marshal(into writer: inout TPMWriter) {
        alg.marshal(into: &writer)
        algProperties.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        alg = try TPMAlgID(unmarshalling: &reader)
        algProperties = try TPMAAlgorithm(unmarshalling: &reader)
    }
}

/// TPMS_TAGGED_PROPERTY — Part 2, 10.8.2.
public struct TPMSTaggedProperty: TPMCodable, Hashable, Sendable {
    public var property: TPMPT
    public var value: UInt32

    public init(property: TPMPT, value: UInt32) {
        self.property = property
        self.value = value
    }

    public func marshal(into writer: inout TPMWriter) {
        property.marshal(into: &writer)
        writer.writeInteger(value)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        property = try TPMPT(unmarshalling: &reader)
        value = try reader.readInteger()
    }
}

/// TPMS_TAGGED_PCR_SELECT — Part 2, 10.8.3: a PCR property and the PCRs that have it.
public struct TPMSTaggedPCRSelect: TPMCodable, Hashable, Sendable {
    public var tag: TPMPTPCR
    public var pcrSelect: [UInt8]

    public init(tag: TPMPTPCR, pcrSelect: [UInt8]) {
        self.tag = tag
        self.pcrSelect = pcrSelect
    }

    public func marshal(into writer: inout TPMWriter) {
        tag.marshal(into: &writer)
        writer.writeInteger(UInt8(pcrSelect.count))
        writer.writeBytes(pcrSelect)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        tag = try TPMPTPCR(unmarshalling: &reader)
        let size = Int(try reader.readInteger(as: UInt8.self))
        guard size <= TPMSPCRSelection.selectSize else { throw .value }
        pcrSelect = try reader.readBytes(count: size)
    }
}

// MARK: - Lists (Part 2, 10.9). Limits: MAX_CAP_DATA = MAX_CAP_BUFFER (1024) - 8, divided by the element size.

/// TPML_CC — Part 2, 10.9.1.
public struct TPMLCC: TPMList {
    public static let maxCount = 254
    public let elements: [TPMCC]
    public init(_ elements: [TPMCC]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}

/// TPML_CCA — Part 2, 10.9.2.
public struct TPMLCCA: TPMList {
    public static let maxCount = 254
    public let elements: [TPMACC]
    public init(_ elements: [TPMACC]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}

/// TPML_ALG — Part 2, 10.9.3.
public struct TPMLAlg: TPMList {
    public static let maxCount = 64
    public let elements: [TPMAlgID]
    public init(_ elements: [TPMAlgID]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}

/// TPML_HANDLE — Part 2, 10.9.4.
public struct TPMLHandle: TPMList {
    public static let maxCount = 254
    public let elements: [TPMHandle]
    public init(_ elements: [TPMHandle]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}

/// TPML_ALG_PROPERTY — Part 2, 10.9.8.
public struct TPMLAlgProperty: TPMList {
    public static let maxCount = 169
    public let elements: [TPMSAlgProperty]
    public init(_ elements: [TPMSAlgProperty]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}

/// TPML_TAGGED_TPM_PROPERTY — Part 2, 10.9.9.
public struct TPMLTaggedTPMProperty: TPMList {
    public static let maxCount = 127
    public let elements: [TPMSTaggedProperty]
    public init(_ elements: [TPMSTaggedProperty]) throws(TPMRC) {
        try Self.validate(elements); self.elements = elements
    }
}

/// TPML_TAGGED_PCR_PROPERTY — Part 2, 10.9.10.
public struct TPMLTaggedPCRProperty: TPMList {
    public static let maxCount = 127
    public let elements: [TPMSTaggedPCRSelect]
    public init(_ elements: [TPMSTaggedPCRSelect]) throws(TPMRC) {
        try Self.validate(elements); self.elements = elements
    }
}

/// TPML_ECC_CURVE — Part 2, 10.9.11.
public struct TPMLECCCurve: TPMList {
    public static let maxCount = 508
    public let elements: [TPMECCCurve]
    public init(_ elements: [TPMECCCurve]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}

// MARK: - TPMS_CAPABILITY_DATA

/// TPMU_CAPABILITIES with its selector — Part 2, 10.10.1/10.10.2. The case is the TPM_CAP selector.
public enum TPMSCapabilityData: TPMCodable, Hashable, Sendable {
    case algorithms(TPMLAlgProperty)
    case handles(TPMLHandle)
    case commands(TPMLCCA)
    case ppCommands(TPMLCC)
    case auditCommands(TPMLCC)
    case assignedPCR(TPMLPCRSelection)
    case tpmProperties(TPMLTaggedTPMProperty)
    case pcrProperties(TPMLTaggedPCRProperty)
    case eccCurves(TPMLECCCurve)

    public var capability: TPMCap {
        switch self {
        case .algorithms: .algs
        case .handles: .handles
        case .commands: .commands
        case .ppCommands: .ppCommands
        case .auditCommands: .auditCommands
        case .assignedPCR: .pcrs
        case .tpmProperties: .tpmProperties
        case .pcrProperties: .pcrProperties
        case .eccCurves: .eccCurves
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        capability.marshal(into: &writer)
        switch self {
        case .algorithms(let list): list.marshal(into: &writer)
        case .handles(let list): list.marshal(into: &writer)
        case .commands(let list): list.marshal(into: &writer)
        case .ppCommands(let list), .auditCommands(let list): list.marshal(into: &writer)
        case .assignedPCR(let list): list.marshal(into: &writer)
        case .tpmProperties(let list): list.marshal(into: &writer)
        case .pcrProperties(let list): list.marshal(into: &writer)
        case .eccCurves(let list): list.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let capability = try TPMCap(unmarshalling: &reader)
        switch capability {
        case .algs: self = .algorithms(try TPMLAlgProperty(unmarshalling: &reader))
        case .handles: self = .handles(try TPMLHandle(unmarshalling: &reader))
        case .commands: self = .commands(try TPMLCCA(unmarshalling: &reader))
        case .ppCommands: self = .ppCommands(try TPMLCC(unmarshalling: &reader))
        case .auditCommands: self = .auditCommands(try TPMLCC(unmarshalling: &reader))
        case .pcrs: self = .assignedPCR(try TPMLPCRSelection(unmarshalling: &reader))
        case .tpmProperties: self = .tpmProperties(try TPMLTaggedTPMProperty(unmarshalling: &reader))
        case .pcrProperties: self = .pcrProperties(try TPMLTaggedPCRProperty(unmarshalling: &reader))
        case .eccCurves: self = .eccCurves(try TPMLECCCurve(unmarshalling: &reader))
        default: throw .selector
        }
    }
}
