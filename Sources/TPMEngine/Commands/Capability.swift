// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Part 3, 30: Capability Commands.
enum CapabilityCommands {
    static let all = [CommandDescriptor(GetCapability.self), CommandDescriptor(TestParms.self)]
}

/// TPM2_GetCapability — Part 3, 30.2. Each group lists entries from `property` on, at most
/// `propertyCount` of them, and sets moreData when it stopped early.
///
/// - TPM_RC_VALUE (parameter 1): an unknown capability.
/// - TPM_RC_HANDLE (parameter 2): TPM_CAP_HANDLES with a handle type that has no list.
/// - TPM_RC_VALUE (parameter 2): TPM_CAP_PCRS with a property other than 0.
enum GetCapability: TPMCommand {
    static let code = TPMCC.getCapability

    struct Request: CommandRequest {
        var capability: TPMCap
        var property: UInt32
        var propertyCount: UInt32
        init(parameters: inout ParameterReader) throws(TPMRC) {
            capability = try parameters.next()
            property = try parameters.next()
            propertyCount = try parameters.next()
        }
    }

    struct Response: CommandResponse {
        var moreData: Bool
        var capabilityData: TPMSCapabilityData
        func marshal(into writer: inout TPMWriter) {
            moreData.marshal(into: &writer)
            capabilityData.marshal(into: &writer)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let count = Int(min(request.propertyCount, UInt32(Int32.max)))
        let property = request.property
        switch request.capability {
        case .algs:
            let (list, more) = page(
                Capabilities.algorithms.filter { $0.alg.rawValue >= property },
                limit: min(count, TPMLAlgProperty.maxCount))
            return Response(moreData: more, capabilityData: .algorithms(try TPMLAlgProperty(list)))
        case .handles:
            let (list, more) = page(
                try tpm.handleList(startingAt: TPMHandle(property)),
                limit: min(count, TPMLHandle.maxCount))
            return Response(moreData: more, capabilityData: .handles(try TPMLHandle(list)))
        case .commands:
            let attributes = tpm.commandTable.sortedCodes.filter { $0.rawValue >= property }
                .compactMap { tpm.commandTable[$0]?.attributes }
            let (list, more) = page(attributes, limit: min(count, TPMLCCA.maxCount))
            return Response(moreData: more, capabilityData: .commands(try TPMLCCA(list)))
        case .ppCommands:
            let codes = tpm.permanent.ppCommands.filter { $0.rawValue >= property }.sorted { $0.rawValue < $1.rawValue }
            let (list, more) = page(codes, limit: min(count, TPMLCC.maxCount))
            return Response(moreData: more, capabilityData: .ppCommands(try TPMLCC(list)))
        case .auditCommands:
            // Command audit arrives with audit sessions; until then no command is audited.
            return Response(moreData: false, capabilityData: .auditCommands(try TPMLCC([])))
        case .pcrs:
            guard property == 0 else { throw TPMRC.value.atParameter(2) }
            let allocation = count == 0 ? [] : tpm.pcrs.allocation
            return Response(moreData: count == 0, capabilityData: .assignedPCR(try TPMLPCRSelection(allocation)))
        case .pcrProperties:
            let tags = Capabilities.pcrPropertyTags.filter { $0.rawValue >= property }
            let (list, more) = page(tags, limit: min(count, TPMLTaggedPCRProperty.maxCount))
            return Response(
                moreData: more,
                capabilityData: .pcrProperties(try TPMLTaggedPCRProperty(list.map(Capabilities.pcrProperty))))
        case .tpmProperties:
            let (list, more) = tpm.tpmProperties(
                startingAt: property, limit: min(count, TPMLTaggedTPMProperty.maxCount))
            return Response(moreData: more, capabilityData: .tpmProperties(try TPMLTaggedTPMProperty(list)))
        case .eccCurves:
            let curves = Capabilities.eccCurves.filter { UInt32($0.rawValue) >= property }
            let (list, more) = page(curves, limit: min(count, TPMLECCCurve.maxCount))
            return Response(moreData: more, capabilityData: .eccCurves(try TPMLECCCurve(list)))
        default:
            throw TPMRC.value.atParameter(1)
        }
    }

    /// The first `limit` entries, and whether any were left out.
    static func page<T>(_ entries: [T], limit: Int) -> ([T], Bool) {
        (Array(entries.prefix(limit)), entries.count > limit)
    }
}

extension TPMEngine {
    /// Handles of the type of `start`, from `start` on (ms-tpm's `*CapGetHandles`).
    func handleList(startingAt start: TPMHandle) throws(TPMRC) -> [TPMHandle] {
        switch start.type {
        case .pcr:
            return (Int(start.index)..<max(Int(start.index), PCRAttributes.count)).map { TPMHandle.pcr($0) }
        case .transient:
            return objects.handles.filter { $0 >= start }
        case .permanent:
            return Capabilities.permanentHandles.filter { $0 >= start }
        case .hmacSession:
            // TPM_HT_LOADED_SESSION: every active session is loaded here.
            return sessions.handles(from: start)
        case .policySession:
            // TPM_HT_SAVED_SESSION: sessions saved with ContextSave and not loaded; there are none yet.
            return []
        case .persistent:
            return objects.persistentHandles.filter { $0 >= start }
        case .nvIndex:
            // NV indices arrive in a later stage.
            return []
        default:
            throw TPMRC.handle.atParameter(2)
        }
    }
}
