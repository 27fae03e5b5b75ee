// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Part 3, 22: Integrity Collection (PCR).
enum PCRCommands {
    static let all = [
        CommandDescriptor(PCRExtend.self), CommandDescriptor(PCREvent.self), CommandDescriptor(PCRRead.self),
        CommandDescriptor(PCRReset.self), CommandDescriptor(PCRAllocate.self),
    ]
}

/// TPM2_PCR_Extend — Part 3, 22.2. Extending TPM_RH_NULL succeeds and changes nothing.
///
/// - TPM_RC_LOCALITY: the PCR may not be extended at this locality.
enum PCRExtend: TPMCommand {
    static let code = TPMCC.pcrExtend
    static let handles = [HandleSpec(.pcr(allowNull: true), auth: .user)]
    static let flags: CommandFlags = [.nvWrite]

    struct Request: CommandRequest {
        var digests: TPMLDigestValues
        init(parameters: inout ParameterReader) throws(TPMRC) { digests = try parameters.next() }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        let handle = command.handles[0]
        guard handle != .null else { return NoParameters() }
        let pcr = Int(handle.rawValue)
        try tpm.prepareExtend(pcr, locality: command.locality)
        for digest in request.digests.elements {
            tpm.extendPCR(pcr, in: digest.hashAlg, with: digest.digest)
        }
        return NoParameters()
    }
}

/// TPM2_PCR_Event — Part 3, 22.3: hashes the event with every implemented hash and extends the results.
///
/// - TPM_RC_LOCALITY: the PCR may not be extended at this locality.
enum PCREvent: TPMCommand {
    static let code = TPMCC.pcrEvent
    static let handles = [HandleSpec(.pcr(allowNull: true), auth: .user)]
    static let flags: CommandFlags = [.nvWrite, .decryptCommand]

    struct Request: CommandRequest {
        var eventData: TPM2BEvent
        init(parameters: inout ParameterReader) throws(TPMRC) { eventData = try parameters.next() }
    }

    struct Response: CommandResponse {
        var digests: TPMLDigestValues
        func marshal(into writer: inout TPMWriter) { digests.marshal(into: &writer) }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let handle = command.handles[0]
        let pcr = handle == .null ? nil : Int(handle.rawValue)
        if let pcr {
            try tpm.prepareExtend(pcr, locality: command.locality)
        }
        var digests: [TPMTHA] = []
        for hash in TPMIAlgHash.implemented {
            let digest = TPMHash.digest(hash, request.eventData.buffer)
            digests.append(try TPMTHA(hashAlg: hash, digest: digest))
            if let pcr {
                tpm.extendPCR(pcr, in: hash, with: digest)
            }
        }
        return Response(digests: try TPMLDigestValues(digests))
    }
}

/// TPM2_PCR_Read — Part 3, 22.4. Returns at most eight digests; the selection returned says which.
enum PCRRead: TPMCommand {
    static let code = TPMCC.pcrRead

    struct Request: CommandRequest {
        var pcrSelectionIn: TPMLPCRSelection
        init(parameters: inout ParameterReader) throws(TPMRC) { pcrSelectionIn = try parameters.next() }
    }

    struct Response: CommandResponse {
        var pcrUpdateCounter: UInt32
        var pcrSelectionOut: TPMLPCRSelection
        var pcrValues: TPMLDigest
        func marshal(into writer: inout TPMWriter) {
            writer.writeInteger(pcrUpdateCounter)
            pcrSelectionOut.marshal(into: &writer)
            pcrValues.marshal(into: &writer)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        var selections = request.pcrSelectionIn.elements
        var values: [TPM2BDigest] = []
        var full = false
        for index in selections.indices {
            for pcr in 0..<PCRAttributes.count where selections[index].isSelected(pcr) {
                // Report only PCRs that are allocated (libtpms FilterPcr), and no more than TPML_DIGEST holds.
                guard !full, let value = tpm.pcrs.value(pcr, in: selections[index].hash) else {
                    selections[index].setSelected(pcr, false)
                    continue
                }
                values.append(try TPM2BDigest(value))
                full = values.count == TPMLDigest.maxCount
            }
        }
        return Response(
            pcrUpdateCounter: tpm.stateReset.pcrCounter, pcrSelectionOut: try TPMLPCRSelection(selections),
            pcrValues: try TPMLDigest(values))
    }
}

/// TPM2_PCR_Reset — Part 3, 22.8: sets the PCR to zero in every bank.
///
/// - TPM_RC_LOCALITY: the PCR may not be reset at this locality.
enum PCRReset: TPMCommand {
    static let code = TPMCC.pcrReset
    static let handles = [HandleSpec(.pcr(allowNull: false), auth: .user)]
    static let flags: CommandFlags = [.nvWrite]

    static func run(
        _ request: NoParameters, _ command: CommandInfo, _ tpm: inout TPMEngine
    ) throws(TPMRC) -> NoParameters {
        let pcr = Int(command.handles[0].rawValue)
        let attributes = PCRAttributes.table[pcr]
        guard attributes.allowsReset(at: command.locality) else { throw .locality }
        if attributes.stateSave {
            tpm.invalidateOrderlyShutdown()
        }
        tpm.pcrs.setValue(pcr, lastByte: 0)
        tpm.pcrChanged(pcr)
        return NoParameters()
    }
}

/// TPM2_PCR_Allocate — Part 3, 22.5: sets the allocation the next TPM2_Startup will use.
///
/// - TPM_RC_PCR: the allocation leaves no bank with the H-CRTM PCR (0) or the DRTM PCR (17).
enum PCRAllocate: TPMCommand {
    static let code = TPMCC.pcrAllocate
    static let handles = [HandleSpec(.permanent(allowed: [.platform]), auth: .user)]
    static let flags: CommandFlags = [.nvWrite, .physicalPresence]

    struct Request: CommandRequest {
        var pcrAllocation: TPMLPCRSelection
        init(parameters: inout ParameterReader) throws(TPMRC) { pcrAllocation = try parameters.next() }
    }

    struct Response: CommandResponse {
        var allocationSuccess: Bool
        var maxPCR: UInt32
        var sizeNeeded: UInt32
        var sizeAvailable: UInt32
        func marshal(into writer: inout TPMWriter) {
            allocationSuccess.marshal(into: &writer)
            writer.writeInteger(maxPCR)
            writer.writeInteger(sizeNeeded)
            writer.writeInteger(sizeAvailable)
        }
    }

    /// Bytes of PCR storage: 24 PCRs in each implemented bank (what libtpms reports as sizeAvailable).
    static let sizeAvailable = UInt32(PCRAttributes.count * TPMIAlgHash.implemented.reduce(0) { $0 + $1.digestSize })

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        var allocation = tpm.permanent.pcrAllocation
        for selection in request.pcrAllocation.elements {
            if let index = allocation.firstIndex(where: { $0.hash == selection.hash }) {
                allocation[index] = selection
            }
        }
        guard allocation.contains(where: { $0.isSelected(PCRAttributes.hcrtmIndex) }),
            allocation.contains(where: { $0.isSelected(17) })
        else { throw .pcr }
        let sizeNeeded = allocation.reduce(0) { $0 + $1.pcrs.count * $1.hash.digestSize }
        tpm.permanent.pcrAllocation = allocation
        tpm.pcrReconfigured = true
        tpm.durableStateChanged = true
        return Response(
            allocationSuccess: true, maxPCR: UInt32(PCRAttributes.count), sizeNeeded: UInt32(sizeNeeded),
            sizeAvailable: sizeAvailable)
    }
}

// MARK: - Shared PCR rules

extension TPMEngine {
    /// Checks the extend locality and, for state-saved PCRs, ends any orderly shutdown.
    mutating func prepareExtend(_ pcr: Int, locality: UInt8) throws(TPMRC) {
        let attributes = PCRAttributes.table[pcr]
        guard attributes.allowsExtend(at: locality) else { throw .locality }
        if attributes.stateSave {
            invalidateOrderlyShutdown()
        }
    }

    mutating func extendPCR(_ pcr: Int, in hash: TPMIAlgHash, with digest: [UInt8]) {
        if pcrs.extend(pcr, in: hash, with: digest) {
            pcrChanged(pcr)
        }
    }

    /// Part 3, 22.4: pcrUpdateCounter counts changes, except to the platform's no-increment PCRs (PCR 0 always counts).
    mutating func pcrChanged(_ pcr: Int) {
        if pcr == 0 || !PCRAttributes.isInNoIncrementGroup(pcr) {
            stateReset.pcrCounter &+= 1
        }
    }
}
